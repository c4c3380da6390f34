/**
 * A repo mixing Terraform (mesh, gateway, front), CloudFormation (colorteller router, route, service) and the
 * native format (three colorteller nodes), served by the daemon (`plexus run`) to five real Envoys: traffic
 * flows gateway → front → colorteller, and a commit to the CloudFormation template's weights moves it. A
 * commit that breaks the template is refused with its file:line while traffic keeps flowing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, type StatusDocument, sameHostConfig, startDaemon } from '@plexus/daemon';
import { waitFor } from '@plexus/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../scripts/demo/colorapp.ts';
import {
  COLORS,
  commitAll,
  type EnvoyProcess,
  GATEWAY_KEY,
  httpGet,
  initRepo,
  type MeshPorts,
  nodeKey,
  sidecarPorts,
  startColorApp,
  startEnvoy,
  startFrontApp,
  tally,
  tallySettlesOn,
} from '../../scripts/demo/local-mesh.ts';

let work: string;
let repo: string;
let ports: MeshPorts;
let daemon: Daemon;
const servers: Server[] = [];
const envoys: EnvoyProcess[] = [];

function terraform(p: MeshPorts): string {
  return `variable "mesh_name" {
  type = string
}

resource "aws_appmesh_mesh" "colorapp" {
  name = var.mesh_name
}

resource "aws_appmesh_virtual_node" "front" {
  name      = "front"
  mesh_name = aws_appmesh_mesh.colorapp.id
  spec {
    listener {
      port_mapping {
        port     = ${p.apps.front}
        protocol = "http"
      }
    }
    backend {
      virtual_service {
        virtual_service_name = "colorteller.\${var.mesh_name}.local"
      }
    }
    service_discovery {
      dns {
        hostname = "127.0.0.1"
      }
    }
  }
}

resource "aws_appmesh_virtual_service" "front" {
  name      = "front.\${var.mesh_name}.local"
  mesh_name = aws_appmesh_mesh.colorapp.id
  spec {
    provider {
      virtual_node {
        virtual_node_name = aws_appmesh_virtual_node.front.name
      }
    }
  }
}

resource "aws_appmesh_virtual_gateway" "ingress" {
  name      = "ingress-gw"
  mesh_name = aws_appmesh_mesh.colorapp.id
  spec {
    listener {
      port_mapping {
        port     = ${p.gateway}
        protocol = "http"
      }
    }
  }
}

resource "aws_appmesh_gateway_route" "front" {
  name                 = "to-front"
  mesh_name            = aws_appmesh_mesh.colorapp.id
  virtual_gateway_name = aws_appmesh_virtual_gateway.ingress.name
  spec {
    http_route {
      match {
        prefix = "/"
      }
      action {
        target {
          virtual_service {
            virtual_service_name = aws_appmesh_virtual_service.front.name
          }
        }
      }
    }
  }
}
`;
}

function cloudFormation(p: MeshPorts, w: Record<string, number>): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  MeshName: { Type: String }
Resources:
  Router:
    Type: AWS::AppMesh::VirtualRouter
    Properties:
      MeshName: !Ref MeshName
      VirtualRouterName: colorteller
      Spec:
        Listeners:
          - PortMapping: { Port: ${p.router}, Protocol: http }
  Route:
    Type: AWS::AppMesh::Route
    Properties:
      MeshName: !Ref MeshName
      VirtualRouterName: !GetAtt Router.VirtualRouterName
      RouteName: colors
      Spec:
        HttpRoute:
          Match: { Prefix: / }
          Action:
            WeightedTargets:
${COLORS.map((c) => `              - { VirtualNode: colorteller-${c}, Weight: ${w[c]} }`).join('\n')}
  Service:
    Type: AWS::AppMesh::VirtualService
    Properties:
      MeshName: !Ref MeshName
      VirtualServiceName: !Sub 'colorteller.\${MeshName}.local'
      Spec:
        Provider:
          VirtualRouter: { VirtualRouterName: !GetAtt Router.VirtualRouterName }
`;
}

function native(p: MeshPorts): string {
  return COLORS.map(
    (c) => `apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: colorteller-${c}, mesh: colorapp }
spec:
  listeners: [{ portMapping: { port: ${p.apps[`colorteller-${c}`]}, protocol: http } }]
  serviceDiscovery:
    static: { endpoints: [{ address: 127.0.0.1, port: ${p.ingress[`colorteller-${c}`]} }] }
`,
  ).join('---\n');
}

async function status(): Promise<StatusDocument> {
  return (await (await fetch(`http://127.0.0.1:${daemon.httpPort}/api/v1/status`)).json()) as StatusDocument;
}

async function applied(sha: string, what: string): Promise<void> {
  await waitFor(
    async () => {
      const s = await status();
      return (
        s.revision.applied === sha &&
        s.proxies.length >= 5 &&
        s.proxies.every((p) => p.connected && p.revision === sha && Object.keys(p.nacked).length === 0)
      );
    },
    { timeoutMs: 90_000, intervalMs: 100, what },
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'plexus-import-e2e-'));
  repo = join(work, 'repo');
  ports = await freePorts();
  mkdirSync(join(repo, 'terraform'), { recursive: true });
  mkdirSync(join(repo, 'cloudformation'), { recursive: true });
  mkdirSync(join(repo, 'native'), { recursive: true });
  initRepo(repo);
  writeFileSync(join(repo, 'terraform/mesh.tf'), terraform(ports));
  writeFileSync(join(repo, 'terraform/terraform.tfvars'), 'mesh_name = "colorapp"\n');
  writeFileSync(
    join(repo, 'cloudformation/colorteller.yaml'),
    cloudFormation(ports, { red: 1, blue: 1, green: 1 }),
  );
  writeFileSync(
    join(repo, 'cloudformation/colorteller.parameters.json'),
    '[{"ParameterKey": "MeshName", "ParameterValue": "colorapp"}]\n',
  );
  writeFileSync(join(repo, 'native/colorteller-nodes.yaml'), native(ports));
  const first = commitAll(repo, 'mesh in Terraform, routing in CloudFormation, nodes native');

  for (const c of COLORS) servers.push(await startColorApp(c, ports.apps[`colorteller-${c}`]!));
  servers.push(await startFrontApp(ports.apps.front!, ports.egress.front!));
  daemon = await startDaemon({
    repo,
    xdsListen: '127.0.0.1:0',
    httpListen: '127.0.0.1:0',
    builtinPlugins: ['@plexus/discovery-static'],
    translateOptions: sidecarPorts(ports),
    configTransform: sameHostConfig,
    drainMs: 500,
    logger: pino({ level: 'warn' }),
  });
  for (const key of [GATEWAY_KEY, nodeKey('front'), ...COLORS.map((c) => nodeKey(`colorteller-${c}`))]) {
    envoys.push(startEnvoy(key, daemon.xdsPort, ports.admin[key]!, work));
  }
  await applied(first, 'the first commit on five Envoys');
  await waitFor(async () => (await httpGet(ports.gateway)).status === 200, {
    timeoutMs: 60_000,
    intervalMs: 200,
    what: 'traffic through the gateway',
  });
});

afterAll(async () => {
  await Promise.all(envoys.map((e) => e.stop()));
  await daemon?.stop();
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a repo of Terraform, CloudFormation and native files', () => {
  it('is served to real Envoys and carries traffic to every color', async () => {
    const s = await status();
    expect(s.revision.error).toBeNull();
    const counts = await tallySettlesOn(ports.gateway, COLORS, { n: 60 });
    expect(Object.keys(counts).sort()).toEqual([...COLORS].sort());
  });

  it('a commit to the CloudFormation template moves traffic', async () => {
    writeFileSync(
      join(repo, 'cloudformation/colorteller.yaml'),
      cloudFormation(ports, { red: 0, blue: 0, green: 1 }),
    );
    const sha = commitAll(repo, 'CloudFormation: all to green');
    await applied(sha, 'the template commit');
    await tallySettlesOn(ports.gateway, ['green']); // an ACKed route table still has to reach each worker
    expect(await tally(ports.gateway, 30)).toEqual({ green: 30 });
  });

  it('a template commit that needs a value nobody gave is refused with file:line; traffic is unchanged', async () => {
    const before = (await status()).revision.applied;
    writeFileSync(join(repo, 'cloudformation/colorteller.parameters.json'), '[]\n');
    const bad = commitAll(repo, 'broken: parameters file emptied');
    await waitFor(async () => (await status()).revision.attempted === bad, {
      what: 'the broken commit to be seen',
    });
    const s = await status();
    expect(s.revision.applied).toBe(before);
    expect(s.revision.error).toMatchObject({
      revision: bad,
      file: 'cloudformation/colorteller.yaml',
      line: 8,
    });
    expect(s.revision.error?.errors.join('\n')).toContain("parameter 'MeshName' (line 3) has no value");
    expect(await tally(ports.gateway, 20)).toEqual({ green: 20 });
  });
});
