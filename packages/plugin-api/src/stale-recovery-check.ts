import type { SpecResource } from '@plexus/spec';
import type { EndpointSet } from './endpoints.ts';
import type { DiscoveryPlugin, DiscoverySettings } from './plugin.ts';
import { DiscoveryManager } from './runtime/discovery-manager.ts';

/** A native-format VirtualNode with one listener and the given `serviceDiscovery`, for manager tests. */
export function testVirtualNode(n: {
  mesh: string;
  name: string;
  port: number;
  protocol: string;
  serviceDiscovery: Record<string, unknown>;
  file: string;
}): SpecResource {
  const position = { file: n.file, line: 1, col: 1 };
  return {
    kind: 'VirtualNode',
    mesh: n.mesh,
    name: n.name,
    spec: {
      listeners: [{ portMapping: { port: n.port, protocol: n.protocol } }],
      serviceDiscovery: n.serviceDiscovery,
    },
    format: 'native',
    position,
    positionOf: () => ({ ...position }),
  };
}

/** The steps of `checkStaleThenRecovery`; the `on…`/`while…` callbacks hold the test's own assertions. */
export interface StaleRecoveryCheck {
  plugin: DiscoveryPlugin;
  settings: DiscoverySettings;
  node: SpecResource;
  /** Makes the plugin's API calls fail (e.g. a fault proxy answering with a throttling error). */
  fail(): void;
  /** Stops the failure; also called when the check ends, however it ends. */
  heal(): void;
  onFirst(first: EndpointSet): void;
  /** After the stale set arrived, still failing: assert on it and change the world the recovery must show. */
  whileStale(stale: EndpointSet, first: EndpointSet, manager: DiscoveryManager): Promise<void>;
  /** When the recovery counts as done (default: a third set has arrived). */
  recoveredWhen?(sets: readonly EndpointSet[]): boolean;
  recoveredWhat?: string;
  onRecovered(sets: readonly EndpointSet[]): void;
}

/**
 * The stale-on-failure contract of `DiscoveryManager` for one plugin: a first set, then (while `fail`ing) the
 * same endpoints re-emitted as stale, then (after `heal`) fresh sets again. Short debounce and backoff.
 */
export async function checkStaleThenRecovery(c: StaleRecoveryCheck): Promise<void> {
  const m = new DiscoveryManager({
    plugins: [c.plugin],
    settings: c.settings,
    debounceMs: 10,
    retry: { baseMs: 50, maxMs: 200 },
  });
  const sets: EndpointSet[] = [];
  m.onChange((changed) => sets.push(...changed));
  try {
    m.setResources([c.node]);
    await waitUntil(() => sets.length === 1, 'first set');
    c.onFirst(sets[0]);
    c.fail();
    await waitUntil(() => sets.length === 2, 'stale set');
    await c.whileStale(sets[1], sets[0], m);
    c.heal();
    await waitUntil(
      () => (c.recoveredWhen ? c.recoveredWhen(sets) : sets.length === 3),
      c.recoveredWhat ?? 'recovered set',
    );
    c.onRecovered(sets);
  } finally {
    m.close();
    c.heal();
  }
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
