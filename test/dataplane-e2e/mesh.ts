/**
 * Shared pieces of the data-plane proofs: native plexus/v1 YAML → graph → translateProxy for one proxy, the
 * same-host rewrite the demo uses, controllable HTTP backends and a small HTTP client that sets Host.
 */
import { createServer, type Server } from 'node:http';
import { sameHostConfig } from '@plexus/daemon';
import { buildGraph, parseProxyId } from '@plexus/graph';
import { loadAndValidate } from '@plexus/spec';
import { type HttpReply, httpRequestLocal } from '@plexus/testkit';
import { type EnvoyConfig, type TranslateOptions, translateProxy } from '@plexus/translate';

/** Validates `yaml` (failing loudly with every diagnostic) and translates it for `proxyId`. */
export function translateSpec(yaml: string, proxyId: string, options: TranslateOptions): EnvoyConfig {
  const loaded = loadAndValidate([{ path: 'mesh.yaml', content: yaml }]);
  if (!loaded.ok) {
    const lines = loaded.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`);
    throw new Error(`spec invalid:\n${lines.join('\n')}`);
  }
  const ref = parseProxyId(proxyId);
  if (!ref) throw new Error(`not a proxy id: ${proxyId}`);
  return translateProxy(buildGraph(loaded.resources), ref, () => undefined, options);
}

/** translateSpec for an Envoy sidecar sharing 127.0.0.1 with others (no api_listeners, no port matches). */
export function sidecarConfig(yaml: string, proxyId: string, ports: { ingress: number; egress: number }) {
  const cfg = translateSpec(yaml, proxyId, {
    listenAddress: '127.0.0.1',
    ingressPort: ports.ingress,
    egressPort: ports.egress,
    proxyless: false,
  });
  return sameHostConfig(proxyId, { ...cfg }) as EnvoyConfig;
}

export interface Behaviour {
  status: number;
  delayMs?: number;
}

/** A real HTTP backend: answers with its name; `behave` decides status and delay per request (by hit count). */
export class Backend {
  hits = 0;
  behave: (hit: number, path: string) => Behaviour = () => ({ status: 200 });
  readonly server: Server;
  port = 0;
  private readonly pending = new Set<NodeJS.Timeout>();

  readonly name: string;
  constructor(name: string) {
    this.name = name;
    this.server = createServer((req, res) => {
      const hit = ++this.hits;
      const b = this.behave(hit, req.url ?? '/');
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(b.status, { 'content-type': 'text/plain' });
        res.end(this.name);
      };
      if (!b.delayMs) return answer();
      const t = setTimeout(() => {
        this.pending.delete(t);
        answer();
      }, b.delayMs);
      this.pending.add(t);
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  close(): void {
    for (const t of this.pending) clearTimeout(t);
    this.server.closeAllConnections();
    this.server.close();
  }
}

export type Reply = HttpReply;

/** One request to an Envoy listener with the Host header naming the virtual service. */
export function call(
  port: number,
  host: string,
  path: string,
  o: { method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return httpRequestLocal(port, path, {
    method: o.method,
    headers: { host, ...o.headers },
    timeoutMs: 10_000,
  });
}

/** A counter from Envoy's /stats text (0 when absent). */
export function stat(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}: `));
  return line ? Number(line.slice(name.length + 2)) : 0;
}
