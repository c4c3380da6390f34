import type { DiscoveryPlugin, DiscoveryTarget, Endpoint, EndpointSink } from '../src/index.ts';

/** A plugin whose watches the test drives by hand. */
export function controllablePlugin(name = 'fake', keys = ['fake']) {
  const live = new Map<string, { target: DiscoveryTarget; sink: EndpointSink }>();
  const started: DiscoveryTarget[] = [];
  const disposed: string[] = [];
  const plugin: DiscoveryPlugin = {
    name,
    keys,
    validateConfig: (_key, config) =>
      typeof config === 'object' && config !== null && 'bad' in config
        ? [{ path: 'bad', message: 'is bad' }]
        : [],
    watch(target, sink) {
      const id = `${target.mesh}/${target.virtualNode}`;
      started.push(target);
      live.set(id, { target, sink });
      return {
        dispose() {
          disposed.push(id);
          if (live.get(id)?.sink === sink) live.delete(id);
        },
      };
    },
  };
  return {
    plugin,
    started,
    disposed,
    live,
    update(id: string, endpoints: Endpoint[]) {
      const w = live.get(id);
      if (!w) throw new Error(`no live watch for ${id}`);
      w.sink.update(endpoints);
    },
    fail(id: string, message = 'boom') {
      const w = live.get(id);
      if (!w) throw new Error(`no live watch for ${id}`);
      w.sink.error(new Error(message));
    },
  };
}

export function ep(address: string, port = 80, extra: Partial<Endpoint> = {}): Endpoint {
  return { address, port, health: 'healthy', ...extra };
}
