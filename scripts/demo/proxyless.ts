/** The demo without Envoy: proxyless gRPC colortellers and a grpc-js-xds client, weights from the same repo. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RevisionOutcome, startDaemon } from '@plexus/daemon';
import { freePort } from '@plexus/testkit';
import type { Logger } from 'pino';
import { EXAMPLE_DIR, freePorts } from './colorapp.ts';
import { grpcColorClient, grpcSpec, startGrpcColor } from './grpc-colors.ts';
import { commitAll, initRepo, localizeMesh } from './local-mesh.ts';

export interface ProxylessOptions {
  workDir: string;
  logger: Logger;
  httpListen: string;
  xdsListen: string;
  describeOutcome(o: RevisionOutcome): string;
  shareLine(counts: Record<string, number>, order: string[]): string;
}

/** Starts everything; resolves to a function that stops it all. */
export async function runProxylessDemo(o: ProxylessOptions): Promise<() => Promise<void>> {
  const repo = join(o.workDir, 'repo');
  initRepo(repo);
  localizeMesh(EXAMPLE_DIR, join(repo, 'mesh'), await freePorts());
  const servers = [await startGrpcColor('red'), await startGrpcColor('blue')];
  const router = await freePort();
  const file = join(repo, 'mesh/grpc.yaml');
  writeFileSync(file, grpcSpec({ red: servers[0]!.port, blue: servers[1]!.port, router }, [1, 1]));
  commitAll(repo, 'colorapp + proxyless gRPC colors, weights 1:1');
  const daemon = await startDaemon({
    repo,
    xdsListen: o.xdsListen,
    httpListen: o.httpListen,
    builtinPlugins: ['@plexus/discovery-static'],
    logger: o.logger,
  });
  daemon.status.on('outcome', (x) => console.log(o.describeOutcome(x)));
  const client = grpcColorClient(daemon.xdsPort, router);
  console.log(`
Plexus serves ${repo} to a proxyless gRPC client (node mesh/colorapp/virtualNode/grpc-client)
calling xds:///grpc-colors.colorapp.local:${router}, routed by route "grpc-colors" to grpc-red / grpc-blue.
  status: npx plexus status --server http://${o.httpListen}
Move traffic: edit the two weights in ${file}, then: cd ${repo} && git commit -qam 'new weights'
Ctrl-C stops everything.
`);
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    const counts = await client.tally(50);
    const rev = daemon.status.applied?.slice(0, 8) ?? '-';
    console.log(
      `${new Date().toISOString().slice(11, 19)} rev ${rev}  ${o.shareLine(counts, ['red', 'blue'])}`,
    );
    busy = false;
  }, 1000);
  return async () => {
    clearInterval(timer);
    client.close();
    await daemon.stop();
    for (const s of servers) s.server.forceShutdown();
  };
}
