/** In-test stand-ins for the stages, so the daemon's wiring is tested with data in and data out. */
import { EventEmitter } from 'node:events';
import { type MeshGraph, parseProxyId, proxyKey } from '@plexus/graph';
import type { EndpointSet } from '@plexus/plugin-api';
import type { SpecResource } from '@plexus/spec';
import type {
  CoreStages,
  DaemonOptions,
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

const specs = new WeakMap<MeshGraph, FakeSpec>();

/** A MeshGraph with no resources that stands for a fake spec; `specOf` gets the spec back. */
export function fakeGraph(spec: FakeSpec): MeshGraph {
  const graph: MeshGraph = {
    meshes: new Map(),
    virtualNodes: new Map(),
    services: new Map(),
    routers: new Map(),
    gateways: new Map(),
    proxies: new Map(),
    policies: new Map(),
    unresolved: [],
  };
  specs.set(graph, spec);
  return graph;
}

export function specOf(graph: MeshGraph): FakeSpec {
  const spec = specs.get(graph);
  if (!spec) throw new Error('not a fake graph');
  return spec;
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
      return { resources, diagnostics, skipped: [], ok: diagnostics.length === 0 };
    },
    formatDiagnostic: (d) => `${d.file}:${d.line}:${d.col}: ${d.path}: ${d.message}`,
    buildGraph: (resources) => fakeGraph(resources[0]!.spec as FakeSpec),
    proxyIds: (graph) => Object.keys(specOf(graph).proxies),
    parseProxyId,
    proxyKey,
    // Explicitly none: overrides are merged over the real stages, whose graph diff cannot read fake graphs.
    affectedProxies: undefined,
    proxiesUsingNode: undefined,
    translateProxy(graph, ref, lookup) {
      const g = specOf(graph);
      const id = proxyKey(ref);
      if (g.throwIn === id) throw new Error(`cannot translate ${id}`);
      return {
        listeners: [{ '@type': 'listener', name: id, value: g.proxies[id] }],
        routes: [],
        clusters: [],
        endpoints: [{ '@type': 'cla', name: ref.name, endpoints: lookup('m', ref.name)?.endpoints ?? [] }],
        secrets: [],
      };
    },
  };
}

export class FakeSource implements Source {
  #emit?: (rev: SourceRevision) => void;
  stopped = false;
  refreshes = 0;
  async refresh() {
    this.refreshes++;
  }
  async start(onRevision: (rev: SourceRevision) => void) {
    this.#emit = onRevision;
  }
  async stop() {
    this.stopped = true;
  }
  commit(id: string, spec: FakeSpec) {
    this.#emit!({
      id,
      seenAt: Date.now(),
      source: 'fake',
      files: [{ path: 'mesh.json', content: JSON.stringify(spec) }],
    });
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
  async listen() {
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
  async shutdown() {
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

/** Daemon overrides with every stage faked: nothing is read, discovered or translated for real. */
export function fakeOverrides(): NonNullable<DaemonOptions['overrides']> {
  return {
    stages: fakeStages(),
    source: new FakeSource(),
    discovery: new FakeDiscovery(),
    discoveryPlugins: [],
  };
}

/** One connected stream of `key` as the xDS server reports it; versions given as plain strings. */
export function fakeStream(
  key: string,
  s: {
    revision?: string;
    acked?: Record<string, string>;
    sent?: Record<string, string>;
    nacked?: Record<string, { version: string; message: string }>;
  },
): XdsStreamStatus {
  const at = Date.now();
  const withAt = <T>(r: Record<string, T>, f: (v: T) => object) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { ...f(v), at }]));
  return {
    streamId: 1,
    variant: 'sotw',
    node: { id: key, cluster: '' },
    proxyKey: key,
    connected: true,
    connectedAt: at,
    revision: s.revision,
    acked: s.acked ?? {},
    sent: withAt(s.sent ?? {}, (version) => ({ version })) as XdsStreamStatus['sent'],
    nacked: withAt(s.nacked ?? {}, (n) => n) as XdsStreamStatus['nacked'],
    responses: 0,
    queued: 0,
  };
}
