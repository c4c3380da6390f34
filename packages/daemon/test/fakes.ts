/** In-test stand-ins for the stages, so the daemon's wiring is tested with data in and data out. */
import { EventEmitter } from 'node:events';
import type { EndpointSet } from '@plexus/plugin-api';
import type { SpecResource } from '@plexus/spec';
import type {
  CoreStages,
  Discovery,
  ProxyConfig,
  Source,
  SourceRevision,
  XdsServer,
  XdsStreamStatus,
} from '../src/index.ts';

/** A spec file for the fake stages: `{"proxies": {"mesh/m/virtualNode/a": "v1"}, "error"?: {...}}`. */
export interface FakeSpec {
  proxies: Record<string, string>;
  error?: { line: number; path: string; message: string };
  throwIn?: string;
}

export function fakeStages(): CoreStages {
  return {
    createSource: () => {
      throw new Error('tests pass a source');
    },
    loadAndValidate(files) {
      const spec = JSON.parse(files[0]!.content) as FakeSpec;
      const diagnostics = spec.error
        ? [{ severity: 'error' as const, file: files[0]!.path, col: 3, ...spec.error }]
        : [];
      const resources = [{ kind: 'Mesh', mesh: 'm', name: 'm', spec } as unknown as SpecResource];
      return { resources, diagnostics, ok: diagnostics.length === 0 };
    },
    formatDiagnostic: (d) => `${d.file}:${d.line}:${d.col}: ${d.path}: ${d.message}`,
    buildGraph: (resources) => resources[0]!.spec as FakeSpec,
    proxyIds: (graph) => Object.keys((graph as FakeSpec).proxies),
    parseProxyId: (id) => (id.startsWith('mesh/') ? { id } : null),
    proxyKey: (ref) => (ref as { id: string }).id,
    // Explicitly none: overrides are merged over the real stages, whose graph diff cannot read fake graphs.
    affectedProxies: undefined,
    proxiesUsingNode: undefined,
    translateProxy(graph, ref, lookup) {
      const g = graph as FakeSpec;
      const id = (ref as { id: string }).id;
      if (g.throwIn === id) throw new Error(`cannot translate ${id}`);
      const name = id.split('/')[3]!;
      return {
        listeners: [{ '@type': 'listener', name: id, value: g.proxies[id] }],
        routes: [],
        clusters: [],
        endpoints: [{ '@type': 'cla', name, endpoints: lookup('m', name)?.endpoints ?? [] }],
        secrets: [],
      };
    },
  };
}

export class FakeSource implements Source {
  #emit?: (rev: SourceRevision) => void;
  stopped = false;
  refreshes = 0;
  refresh() {
    this.refreshes++;
  }
  start(onRevision: (rev: SourceRevision) => void) {
    this.#emit = onRevision;
  }
  stop() {
    this.stopped = true;
  }
  commit(id: string, spec: FakeSpec) {
    this.#emit!({ id, seenAt: Date.now(), files: [{ path: 'mesh.json', content: JSON.stringify(spec) }] });
  }
}

export type XdsCall =
  | { op: 'set'; key: string; revision: string; config: ProxyConfig }
  | { op: 'endpoints'; key: string; endpoints: unknown[] }
  | { op: 'remove'; key: string };

export class FakeXds extends EventEmitter implements XdsServer {
  calls: XdsCall[] = [];
  streams: XdsStreamStatus[] = [];
  shutDown = false;
  listen() {
    return 18000;
  }
  setProxyConfig(key: string, config: ProxyConfig, { revision }: { revision: string }) {
    this.calls.push({ op: 'set', key, revision, config });
  }
  updateEndpoints(key: string, endpoints: unknown[]) {
    this.calls.push({ op: 'endpoints', key, endpoints });
  }
  removeProxyConfig(key: string) {
    this.calls.push({ op: 'remove', key });
  }
  status() {
    return this.streams;
  }
  shutdown() {
    this.shutDown = true;
  }
}

export class FakeDiscovery implements Discovery {
  sets = new Map<string, EndpointSet>();
  readonly #listeners: (() => void)[] = [];
  update() {}
  current() {
    return new Map(this.sets);
  }
  onChange(listener: () => void) {
    this.#listeners.push(listener);
  }
  stop() {}
  set(node: string, addresses: string[]) {
    this.sets.set(`m/${node}`, {
      mesh: 'm',
      virtualNode: node,
      source: 'static',
      endpoints: addresses.map((address) => ({ address, port: 80, health: 'healthy' })),
    });
    for (const l of this.#listeners) l();
  }
}
