/** Steady paced traffic through the mesh, HTTP and gRPC, counting every failed request with its reason. */
import type { CaMesh } from './ca-mesh.ts';

export interface Traffic {
  ok: number;
  failures: string[];
  /**
   * Requests that failed because Envoy's 1 s connect timeout (App Mesh's, TCP and TLS handshake) ran out on an
   * overloaded machine, retries included. Not a certificate failure: those show in the TLS stats, which the
   * tests require to stay zero.
   */
  connectTimeouts: string[];
  /** Stops and resolves once the request in flight has finished. */
  stop(): Promise<void>;
}

/**
 * One HTTP and one gRPC call at a time, with a pause longer than the listeners' idle timeout between rounds:
 * the connections between the Envoys close, so every round does new TLS handshakes with the certificates the
 * Envoys hold at that moment.
 */
export function startTraffic(mesh: CaMesh, pauseMs = 250): Traffic {
  let running = true;
  const t: Traffic = {
    ok: 0,
    failures: [],
    connectTimeouts: [],
    async stop() {
      running = false;
      await loop;
    },
  };
  const loop = (async () => {
    while (running) {
      const r = await mesh.http();
      if (r.status === 200 && r.body === 'web') t.ok++;
      else if (/reset reason: connection timeout/.test(r.body))
        t.connectTimeouts.push(`${new Date().toISOString()} http ${r.status} ${r.body}`);
      else t.failures.push(`${new Date().toISOString()} http ${r.status} ${r.body}`);
      try {
        if ((await mesh.grpc()) === 'rpc') t.ok++;
      } catch (err) {
        const line = `${new Date().toISOString()} grpc ${(err as Error).message}`;
        if (/reset reason: connection timeout/.test(line)) t.connectTimeouts.push(line);
        else t.failures.push(line);
      }
      await new Promise((res) => setTimeout(res, pauseMs));
    }
  })();
  return t;
}

/** The figures a rotation test reports: answers, failures, connect timeouts of an overloaded machine. */
export function trafficSummary(t: Traffic): string {
  return `${t.ok} answers, ${t.failures.length} failed, ${t.connectTimeouts.length} connect timeouts`;
}
