/**
 * colorapp split across three teams, on one host: the platform team's work tree holds the Mesh and the
 * ingress gateway, team-front's work tree (AWS account 111122223333) the front node and service, and
 * team-color's repository, served over HTTP by the real `git http-backend`, the colortellers and their
 * router. The operators' config file lists the three sources and the ownership rules; real Envoys carry the
 * traffic gateway → front → colorteller across the team boundaries.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import {
  type Daemon,
  loadDaemonConfig,
  optionsFromConfig,
  type StatusDocument,
  sameHostConfig,
  startDaemon,
} from '@plexus/daemon';
import { commitAll, initRepo } from '@plexus/testkit';
import type { Logger } from 'pino';
import { EXAMPLE_DIR, freePorts } from '../../scripts/demo/colorapp.ts';
import {
  COLORS,
  type EnvoyProcess,
  GATEWAY_KEY,
  localizeMesh,
  type MeshPorts,
  nodeKey,
  sidecarPorts,
  startApps,
  startEnvoy,
  stopLocalMesh,
  untilGatewayAnswers,
} from '../../scripts/demo/local-mesh.ts';
import { type RemoteRepo, startRemoteRepo } from '../remote-gitops-e2e/remote-repo.ts';

export const FRONT_ACCOUNT = '111122223333';
export const PROXIES = [GATEWAY_KEY, nodeKey('front'), ...COLORS.map((c) => nodeKey(`colorteller-${c}`))];

export interface TeamsMesh {
  daemon: Daemon;
  ports: MeshPorts;
  configFile: string;
  platform: string;
  front: string;
  color: RemoteRepo;
  envoys: Map<string, EnvoyProcess>;
  status(): Promise<StatusDocument>;
  stop(): Promise<void>;
}

const CONFIG = (o: {
  platform: string;
  front: string;
  colorUrl: string;
  tokenFile: string;
}) => `# the operators' file
sources:
  - { name: platform, repo: ${o.platform}, path: mesh, owner: platform }
  - { name: team-front, repo: ${o.front}, path: mesh, owner: "${FRONT_ACCOUNT}" }
  - name: team-color
    repo: ${o.colorUrl}
    path: mesh
    owner: team-color
    tokenFile: ${o.tokenFile}
    pollInterval: 200
ownership:
  meshes:
    - mesh: colorapp
      owner: platform
      members:
        - owner: "${FRONT_ACCOUNT}"
          resources:
            - { kind: VirtualNode, name: front }
            - { kind: VirtualService, name: front.colorapp.local }
        - owner: team-color
          resources:
            - { kind: "*", name: "colorteller*" }
`;

export async function startTeamsMesh(workDir: string, logger: Logger): Promise<TeamsMesh> {
  const ports = await freePorts();
  const localized = join(workDir, 'localized');
  localizeMesh(EXAMPLE_DIR, localized, ports);
  const file = (name: string) => readFileSync(join(localized, name), 'utf8');

  const platform = join(workDir, 'platform');
  mkdirSync(join(platform, 'mesh'), { recursive: true });
  initRepo(platform);
  writeFileSync(join(platform, 'mesh/mesh.yaml'), file('mesh.yaml'));
  writeFileSync(join(platform, 'mesh/gateway.yaml'), file('gateway.yaml'));
  commitAll(platform, 'platform: the colorapp mesh and its ingress gateway');

  const front = join(workDir, 'front');
  mkdirSync(join(front, 'mesh'), { recursive: true });
  initRepo(front);
  // As App Mesh's shared meshes had it: the consumer account names the mesh's owner on its resources.
  writeFileSync(
    join(front, 'mesh/front.yaml'),
    file('front.yaml').replaceAll('  mesh: colorapp\n', '  mesh: colorapp\n  meshOwner: platform\n'),
  );
  commitAll(front, 'team-front: front');

  const token = 'team-color-token';
  const color = await startRemoteRepo(join(workDir, 'color'), token);
  mkdirSync(join(color.clone.dir, 'mesh'), { recursive: true });
  writeFileSync(join(color.clone.dir, 'mesh/colorteller.yaml'), file('colorteller.yaml'));
  color.clone.commit('team-color: colortellers 1:1:1');
  await color.clone.push();
  const tokenFile = join(workDir, 'color.token');
  writeFileSync(tokenFile, `${token}\n`);

  const configFile = join(workDir, 'plexus.yaml');
  writeFileSync(configFile, CONFIG({ platform, front, colorUrl: color.url, tokenFile }));

  const servers: Server[] = [];
  const envoys = new Map<string, EnvoyProcess>();
  let daemon: Daemon | undefined;
  const stop = async () => {
    await stopLocalMesh(envoys, daemon, servers);
    await color.stop();
  };
  try {
    servers.push(...(await startApps(ports)));
    daemon = await startDaemon({
      ...optionsFromConfig(loadDaemonConfig(configFile)),
      xdsListen: '127.0.0.1:0',
      httpListen: '127.0.0.1:0',
      builtinPlugins: ['@plexus/discovery-static'],
      translateOptions: sidecarPorts(ports),
      configTransform: sameHostConfig,
      cacheDir: join(workDir, 'cache'),
      stateDir: join(workDir, 'state'),
      drainMs: 500,
      logger,
    });
    for (const key of PROXIES) {
      envoys.set(key, startEnvoy(key, daemon.xdsPort, ports.admin[key]!, workDir));
    }
    await untilGatewayAnswers(ports.gateway);
  } catch (err) {
    await stop();
    throw err;
  }
  const d = daemon;
  return {
    daemon: d,
    ports,
    configFile,
    platform,
    front,
    color,
    envoys,
    async status() {
      return (await (await fetch(`http://127.0.0.1:${d.httpPort}/api/v1/status`)).json()) as StatusDocument;
    },
    stop,
  };
}

/** Removes a work directory (after stop). */
export function removeWorkDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
