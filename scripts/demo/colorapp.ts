/** Starts the whole colorapp on one host: apps, a git repo with the spec, the daemon, and Envoy sidecars. */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { type ApiOptions, type Daemon, sameHostConfig, startDaemon } from '@plexus/daemon';
import { freePort, repoRoot } from '@plexus/testkit';
import type { Logger } from 'pino';
import {
  COLORS,
  type Color,
  type ColorFault,
  commitAll,
  type EnvoyProcess,
  GATEWAY_KEY,
  initRepo,
  localizeMesh,
  type MeshPorts,
  nodeKey,
  sidecarPorts,
  startApps,
  startEnvoy,
  stopLocalMesh,
  untilGatewayAnswers,
} from './local-mesh.ts';

export const EXAMPLE_DIR = join(repoRoot, 'examples/colorapp/mesh');

/** The example's own ports for the apps and gateway; sidecars on 1508x/1518x, admin on 990x. */
export function demoPorts(): MeshPorts {
  return {
    apps: { front: 9080, 'colorteller-red': 9081, 'colorteller-blue': 9082, 'colorteller-green': 9083 },
    ingress: {
      front: 15080,
      'colorteller-red': 15081,
      'colorteller-blue': 15082,
      'colorteller-green': 15083,
    },
    egress: {
      front: 15180,
      'colorteller-red': 15181,
      'colorteller-blue': 15182,
      'colorteller-green': 15183,
      'ingress-gw': 15170,
    },
    admin: {
      [GATEWAY_KEY]: 9901,
      [nodeKey('front')]: 9902,
      [nodeKey('colorteller-red')]: 9903,
      [nodeKey('colorteller-blue')]: 9904,
      [nodeKey('colorteller-green')]: 9905,
    },
    router: 9080,
    gateway: 9070,
  };
}

/** Every port free right now (for tests that run beside other things). */
export async function freePorts(): Promise<MeshPorts> {
  const nodes = ['front', ...COLORS.map((c) => `colorteller-${c}`)];
  const each = async () =>
    Object.fromEntries(await Promise.all(nodes.map(async (n) => [n, await freePort()])));
  const admin: Record<string, number> = {};
  for (const key of [GATEWAY_KEY, ...nodes.map(nodeKey)]) admin[key] = await freePort();
  return {
    apps: await each(),
    ingress: await each(),
    egress: { ...(await each()), 'ingress-gw': await freePort() },
    admin,
    router: await freePort(),
    gateway: await freePort(),
  };
}

export interface ColorappOptions {
  workDir: string;
  ports: MeshPorts;
  logger: Logger;
  xdsListen?: string;
  httpListen?: string;
  /** Where the mesh's spec files are (default examples/colorapp/mesh). */
  exampleDir?: string;
  /** How often the Envoys send their access logs, and the console pushes live traffic (default 500 ms). */
  liveIntervalMs?: number;
  /** Tag the Envoys' own stats like App Mesh's ENABLE_ENVOY_STATS_TAGS (default on, as the demo does). */
  appMeshStatsTags?: boolean;
  /** The App Mesh API (SigV4 keys, region, account); off when unset. */
  api?: ApiOptions;
}

export interface ColorappRun {
  repo: string;
  /** The colorteller spec file in the repo (edit its route weights, then commit). */
  routeFile: string;
  ports: MeshPorts;
  daemon: Daemon;
  envoys: Map<string, EnvoyProcess>;
  /** Per colorteller: set `fails` to make some of its replies 500s. */
  faults: Record<Color, ColorFault>;
  /** Starts a daemon again on the same repo and ports (after `daemon.stop()`); Envoys reconnect by themselves. */
  restartDaemon(): Promise<Daemon>;
  stop(): Promise<void>;
}

export async function startColorapp(o: ColorappOptions): Promise<ColorappRun> {
  const repo = join(o.workDir, 'repo');
  const servers: Server[] = [];
  const envoys = new Map<string, EnvoyProcess>();
  const faults = { red: { hits: 0 }, blue: { hits: 0 }, green: { hits: 0 } } as Record<Color, ColorFault>;
  let daemon: Daemon | undefined;
  const stop = () => stopLocalMesh(envoys, daemon, servers);
  try {
    mkdirSync(repo, { recursive: true });
    initRepo(repo);
    localizeMesh(o.exampleDir ?? EXAMPLE_DIR, join(repo, 'mesh'), o.ports);
    const readme = join(o.exampleDir ?? EXAMPLE_DIR, '../README.md');
    if (existsSync(readme)) cpSync(readme, join(repo, 'README.md'));
    commitAll(repo, 'colorapp: weights 1:1:1');

    servers.push(...(await startApps(o.ports, faults)));

    let xdsPort = 0;
    const start = async () => {
      daemon = await startDaemon({
        repo,
        xdsListen: xdsPort ? `127.0.0.1:${xdsPort}` : (o.xdsListen ?? '127.0.0.1:0'),
        httpListen: o.httpListen ?? '127.0.0.1:0',
        builtinPlugins: ['@plexus/discovery-static'],
        translateOptions: sidecarPorts(o.ports),
        configTransform: sameHostConfig,
        telemetry: { flushInterval: `${o.liveIntervalMs ?? 500}ms` },
        console: { tickMs: o.liveIntervalMs ?? 500 },
        drainMs: 500,
        stateDir: join(o.workDir, 'state'),
        logger: o.logger,
        api: o.api,
      });
      xdsPort = daemon.xdsPort;
      return daemon;
    };
    await start();
    for (const key of Object.keys(o.ports.admin)) {
      envoys.set(
        key,
        startEnvoy(key, xdsPort, o.ports.admin[key]!, o.workDir, {
          appMeshStatsTags: o.appMeshStatsTags ?? true,
        }),
      );
    }
    await untilGatewayAnswers(o.ports.gateway);
    return {
      repo,
      routeFile: join(repo, 'mesh/colorteller.yaml'),
      ports: o.ports,
      get daemon() {
        return daemon!;
      },
      envoys,
      faults,
      restartDaemon: start,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
