/**
 * The daemon under test, in its own process so its CPU and RSS can be read from /proc: the real startDaemon
 * (git source, spec, graph, translate, xDS) with one stand-in: a `static` discovery plugin the parent can churn
 * over IPC ({ churn: nodeName }), the fake discovery source for endpoint changes.
 * IPC out: { ready: { xdsPort, httpPort } }, { churned: nodeName, at }.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { startDaemon } from '@plexus/daemon';
import type { DiscoveryPlugin, Endpoint, EndpointSink } from '@plexus/plugin-api';
import { pino } from 'pino';

interface StaticBlock {
  endpoints: { address: string; port?: number }[];
}

const sinks = new Map<string, { sink: EndpointSink; endpoints: Endpoint[]; round: number }>();

const churnablePlugin: DiscoveryPlugin = {
  name: 'static',
  keys: ['static'],
  validateConfig: () => [],
  watch(target, sink) {
    const block = target.config as StaticBlock;
    const endpoints: Endpoint[] = block.endpoints.map((e) => ({
      address: e.address,
      port: e.port ?? target.listenerPorts[0] ?? 80,
      health: 'healthy',
    }));
    const entry = { sink, endpoints, round: 0 };
    sinks.set(target.virtualNode, entry);
    queueMicrotask(() => sink.update(endpoints));
    return {
      dispose() {
        if (sinks.get(target.virtualNode) === entry) sinks.delete(target.virtualNode);
      },
    };
  },
};

/** A new endpoint list for the node: its first endpoint moves to another address. */
function churn(node: string): boolean {
  const entry = sinks.get(node);
  if (!entry) return false;
  entry.round++;
  const [first, ...rest] = entry.endpoints;
  const moved: Endpoint = {
    ...first,
    address: `10.250.${entry.round % 250}.${1 + ((entry.round >> 8) % 250)}`,
  };
  entry.sink.update([moved, ...rest]);
  return true;
}

// --heap: sample allocations from the start; { heap: path } writes the live-memory sampling profile.
// { cpuStart: true } / { cpuStop: path }: a CPU profile of one phase only (convergence, the changes, ...).
const heap = process.argv.includes('--heap') ? new Session() : undefined;
if (heap) {
  heap.connect();
  await heap.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024 });
  await heap.post('Profiler.enable');
  await heap.post('Profiler.setSamplingInterval', { interval: 500 });
}

const repo = process.argv[2];
const logFile = process.argv[3];
/** Per-proxy listener ports, for the real Envoys sharing this host. */
const ports = JSON.parse(process.argv[4] ?? '{}') as Record<
  string,
  { ingressPort: number; egressPort: number }
>;
const daemon = await startDaemon({
  repo,
  translateOptions: (proxyKey) => ports[proxyKey],
  xdsListen: '127.0.0.1:0',
  httpListen: '127.0.0.1:0',
  pollIntervalMs: 60_000,
  logger: pino({ name: 'plexus', level: 'info' }, pino.destination({ dest: logFile, sync: false })),
  overrides: { discoveryPlugins: [churnablePlugin] },
});
process.send?.({ ready: { xdsPort: daemon.xdsPort, httpPort: daemon.httpPort } });
interface ChildMessage {
  churn?: string;
  stop?: boolean;
  heap?: string;
  mem?: boolean;
  cpuStart?: boolean;
  cpuStop?: string;
}
process.on('message', async (m: ChildMessage) => {
  if (m.mem) process.send?.({ mem: process.memoryUsage() });
  if (m.cpuStart && heap) {
    await heap.post('Profiler.start');
    process.send?.({ cpuStarted: true });
  }
  if (m.cpuStop && heap) {
    const { profile } = await heap.post('Profiler.stop');
    writeFileSync(m.cpuStop, JSON.stringify(profile));
    process.send?.({ cpuWritten: m.cpuStop });
  }
  if (m.heap && heap) {
    const { profile } = await heap.post('HeapProfiler.getSamplingProfile');
    writeFileSync(m.heap, JSON.stringify(profile));
    process.send?.({ heapWritten: m.heap });
  }
  if (m.churn) {
    const at = Date.now();
    const ok = churn(m.churn);
    process.send?.({ churned: m.churn, ok, at });
  }
  if (m.stop) void daemon.stop().then(() => process.exit(0));
});
process.on('disconnect', () => void daemon.stop().then(() => process.exit(0)));
