import {
  AppMeshClient,
  type AppMeshClientConfig,
  DescribeGatewayRouteCommand,
  DescribeMeshCommand,
  DescribeRouteCommand,
  DescribeVirtualGatewayCommand,
  DescribeVirtualNodeCommand,
  DescribeVirtualRouterCommand,
  DescribeVirtualServiceCommand,
  paginateListGatewayRoutes,
  paginateListMeshes,
  paginateListRoutes,
  paginateListVirtualGateways,
  paginateListVirtualNodes,
  paginateListVirtualRouters,
  paginateListVirtualServices,
  type ResourceMetadata,
} from '@aws-sdk/client-app-mesh';
import type { Kind, SpecResource } from '@plexus/spec';

export interface LiveOptions {
  region: string;
  /** Only this mesh (default: every mesh the account lists). */
  mesh?: string;
  /** An endpoint other than AWS's (a test server). */
  endpoint?: string;
  /** Client settings (credentials, retries); the SDK's default chain otherwise. */
  client?: Partial<AppMeshClientConfig>;
}

export interface LiveResult {
  resources: SpecResource[];
  /** Calls that failed, each with what could not be read (the rest is still returned). */
  problems: string[];
}

/**
 * Reads every App Mesh resource of an account with the App Mesh API (@aws-sdk/client-app-mesh): list, then
 * describe each for its spec. The specs come back in the API shape Plexus uses, so nothing is mapped. I/O:
 * used by `plexus import --from appmesh` only, never by the spec stage.
 */
export async function readLiveAppMesh(options: LiveOptions): Promise<LiveResult> {
  const client = new AppMeshClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...options.client,
  });
  const resources: SpecResource[] = [];
  const problems: string[] = [];
  const attempt = async <T>(what: string, f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (err) {
      const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      problems.push(
        `${what}: ${e.name ?? 'Error'}${e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : ''}: ${e.message ?? String(err)}`,
      );
      return undefined;
    }
  };
  const add = (
    kind: Kind,
    mesh: string,
    name: string,
    spec: unknown,
    meta: ResourceMetadata | undefined,
    parent?: { router?: string; gateway?: string },
  ) => {
    const arn = meta?.arn ?? `${kind} ${mesh}/${name}`;
    const r: SpecResource = {
      kind,
      mesh,
      name,
      spec: spec ?? {},
      format: 'appmesh-api',
      position: { file: arn, line: 1, col: 1 },
      origin: `App Mesh API ${options.region}, ${arn} (version ${meta?.version ?? '?'})`,
      positionOf: () => r.position,
    };
    if (parent?.router) r.virtualRouter = parent.router;
    if (parent?.gateway) r.virtualGateway = parent.gateway;
    resources.push(r);
  };

  const meshes: Array<{ meshName: string; meshOwner?: string }> = [];
  if (options.mesh) meshes.push({ meshName: options.mesh });
  else {
    await attempt('ListMeshes', async () => {
      for await (const page of paginateListMeshes({ client }, {}))
        for (const m of page.meshes ?? [])
          if (m.meshName) meshes.push({ meshName: m.meshName, meshOwner: m.meshOwner });
    });
  }
  for (const m of meshes) {
    const meshName = m.meshName;
    const owner = m.meshOwner ? { meshOwner: m.meshOwner } : {};
    const mesh = await attempt(`DescribeMesh ${meshName}`, () =>
      client.send(new DescribeMeshCommand({ meshName, ...owner })),
    );
    if (!mesh?.mesh) continue;
    add('Mesh', meshName, meshName, mesh.mesh.spec, mesh.mesh.metadata);

    await attempt(`ListVirtualNodes ${meshName}`, async () => {
      for await (const page of paginateListVirtualNodes({ client }, { meshName, ...owner })) {
        for (const v of page.virtualNodes ?? []) {
          const d = await attempt(`DescribeVirtualNode ${meshName}/${v.virtualNodeName}`, () =>
            client.send(
              new DescribeVirtualNodeCommand({ meshName, virtualNodeName: v.virtualNodeName, ...owner }),
            ),
          );
          if (d?.virtualNode)
            add(
              'VirtualNode',
              meshName,
              d.virtualNode.virtualNodeName!,
              d.virtualNode.spec,
              d.virtualNode.metadata,
            );
        }
      }
    });
    await attempt(`ListVirtualServices ${meshName}`, async () => {
      for await (const page of paginateListVirtualServices({ client }, { meshName, ...owner })) {
        for (const v of page.virtualServices ?? []) {
          const d = await attempt(`DescribeVirtualService ${meshName}/${v.virtualServiceName}`, () =>
            client.send(
              new DescribeVirtualServiceCommand({
                meshName,
                virtualServiceName: v.virtualServiceName,
                ...owner,
              }),
            ),
          );
          if (d?.virtualService)
            add(
              'VirtualService',
              meshName,
              d.virtualService.virtualServiceName!,
              d.virtualService.spec,
              d.virtualService.metadata,
            );
        }
      }
    });
    await attempt(`ListVirtualRouters ${meshName}`, async () => {
      for await (const page of paginateListVirtualRouters({ client }, { meshName, ...owner })) {
        for (const v of page.virtualRouters ?? []) {
          const router = v.virtualRouterName!;
          const d = await attempt(`DescribeVirtualRouter ${meshName}/${router}`, () =>
            client.send(new DescribeVirtualRouterCommand({ meshName, virtualRouterName: router, ...owner })),
          );
          if (d?.virtualRouter)
            add('VirtualRouter', meshName, router, d.virtualRouter.spec, d.virtualRouter.metadata);
          await attempt(`ListRoutes ${meshName}/${router}`, async () => {
            for await (const rp of paginateListRoutes(
              { client },
              { meshName, virtualRouterName: router, ...owner },
            )) {
              for (const rt of rp.routes ?? []) {
                const rd = await attempt(`DescribeRoute ${meshName}/${router}/${rt.routeName}`, () =>
                  client.send(
                    new DescribeRouteCommand({
                      meshName,
                      virtualRouterName: router,
                      routeName: rt.routeName,
                      ...owner,
                    }),
                  ),
                );
                if (rd?.route)
                  add('Route', meshName, rd.route.routeName!, rd.route.spec, rd.route.metadata, { router });
              }
            }
          });
        }
      }
    });
    await attempt(`ListVirtualGateways ${meshName}`, async () => {
      for await (const page of paginateListVirtualGateways({ client }, { meshName, ...owner })) {
        for (const v of page.virtualGateways ?? []) {
          const gateway = v.virtualGatewayName!;
          const d = await attempt(`DescribeVirtualGateway ${meshName}/${gateway}`, () =>
            client.send(
              new DescribeVirtualGatewayCommand({ meshName, virtualGatewayName: gateway, ...owner }),
            ),
          );
          if (d?.virtualGateway)
            add('VirtualGateway', meshName, gateway, d.virtualGateway.spec, d.virtualGateway.metadata);
          await attempt(`ListGatewayRoutes ${meshName}/${gateway}`, async () => {
            for await (const gp of paginateListGatewayRoutes(
              { client },
              { meshName, virtualGatewayName: gateway, ...owner },
            )) {
              for (const g of gp.gatewayRoutes ?? []) {
                const gd = await attempt(
                  `DescribeGatewayRoute ${meshName}/${gateway}/${g.gatewayRouteName}`,
                  () =>
                    client.send(
                      new DescribeGatewayRouteCommand({
                        meshName,
                        virtualGatewayName: gateway,
                        gatewayRouteName: g.gatewayRouteName,
                        ...owner,
                      }),
                    ),
                );
                if (gd?.gatewayRoute)
                  add(
                    'GatewayRoute',
                    meshName,
                    gd.gatewayRoute.gatewayRouteName!,
                    gd.gatewayRoute.spec,
                    gd.gatewayRoute.metadata,
                    { gateway },
                  );
              }
            }
          });
        }
      }
    });
  }
  client.destroy();
  return { resources, problems };
}
