import {
  DiscoverInstancesCommand,
  GetInstancesHealthStatusCommand,
  type GetInstancesHealthStatusCommandOutput,
  type HttpInstanceSummary,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  type ListServicesCommandOutput,
  type ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import type { CloudMapConfig } from './config.ts';

/** The most instances one DiscoverInstances call returns; the API has no NextToken. */
export const DISCOVER_MAX_RESULTS = 1000;

/** Service ids by `namespace/service` name, so the full listing resolves them once. */
export type ServiceIdCache = Map<string, string>;

/**
 * Every instance of the configured service, with its health. One DiscoverInstances call when the answer is
 * below the API's 1,000-instance cap; at the cap the answer may be cut, so the whole service is read with the
 * paginated ListInstances and GetInstancesHealthStatus instead and `attributes` are applied here.
 */
export async function discoverAllInstances(
  client: ServiceDiscoveryClient,
  config: CloudMapConfig,
  ids: ServiceIdCache,
  signal: AbortSignal,
): Promise<HttpInstanceSummary[]> {
  const query = queryOf(config);
  const out = await client.send(
    new DiscoverInstancesCommand({
      NamespaceName: config.namespaceName,
      ServiceName: config.serviceName,
      QueryParameters: Object.keys(query).length > 0 ? query : undefined,
      HealthStatus: 'ALL',
      MaxResults: DISCOVER_MAX_RESULTS,
    }),
    { abortSignal: signal },
  );
  const first = out.Instances ?? [];
  if (first.length < DISCOVER_MAX_RESULTS) return first;
  return listAllInstances(client, config, ids, signal);
}

function queryOf(config: CloudMapConfig): Record<string, string> {
  const query: Record<string, string> = {};
  for (const a of config.attributes ?? []) query[a.key] = a.value;
  return query;
}

async function listAllInstances(
  client: ServiceDiscoveryClient,
  config: CloudMapConfig,
  ids: ServiceIdCache,
  signal: AbortSignal,
): Promise<HttpInstanceSummary[]> {
  const serviceId = await serviceIdOf(client, config, ids, signal);
  const query = Object.entries(queryOf(config));
  const instances: HttpInstanceSummary[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListInstancesCommand({ ServiceId: serviceId, MaxResults: 100, NextToken: token }),
        { abortSignal: signal },
      );
      for (const i of page.Instances ?? []) {
        const attrs = i.Attributes ?? {};
        if (query.every(([k, v]) => attrs[k] === v)) instances.push({ InstanceId: i.Id, Attributes: attrs });
      }
      token = page.NextToken;
    } while (token);
  } catch (err) {
    // The service may have been deleted and created again under a new id.
    ids.delete(`${config.namespaceName}/${config.serviceName}`);
    throw err;
  }
  const health = new Map<string, string>();
  let healthToken: string | undefined;
  do {
    const page: GetInstancesHealthStatusCommandOutput = await client.send(
      new GetInstancesHealthStatusCommand({ ServiceId: serviceId, MaxResults: 100, NextToken: healthToken }),
      { abortSignal: signal },
    );
    for (const [id, status] of Object.entries(page.Status ?? {})) health.set(id, status);
    healthToken = page.NextToken;
  } while (healthToken);
  for (const i of instances) i.HealthStatus = (health.get(i.InstanceId ?? '') ?? 'UNKNOWN') as 'UNKNOWN';
  return instances;
}

async function serviceIdOf(
  client: ServiceDiscoveryClient,
  config: CloudMapConfig,
  ids: ServiceIdCache,
  signal: AbortSignal,
): Promise<string> {
  const key = `${config.namespaceName}/${config.serviceName}`;
  const known = ids.get(key);
  if (known) return known;
  let namespaceId: string | undefined;
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListNamespacesCommand({
        Filters: [{ Name: 'NAME', Values: [config.namespaceName], Condition: 'EQ' }],
        NextToken: token,
      }),
      { abortSignal: signal },
    );
    namespaceId = page.Namespaces?.find((n) => n.Name === config.namespaceName)?.Id;
    token = namespaceId ? undefined : page.NextToken;
  } while (token);
  if (!namespaceId) throw new Error(`cloudmap: namespace ${config.namespaceName} not found`);
  let serviceId: string | undefined;
  let serviceToken: string | undefined;
  do {
    const page: ListServicesCommandOutput = await client.send(
      new ListServicesCommand({
        Filters: [{ Name: 'NAMESPACE_ID', Values: [namespaceId], Condition: 'EQ' }],
        NextToken: serviceToken,
      }),
      { abortSignal: signal },
    );
    serviceId = page.Services?.find((s) => s.Name === config.serviceName)?.Id;
    serviceToken = serviceId ? undefined : page.NextToken;
  } while (serviceToken);
  if (!serviceId) {
    throw new Error(`cloudmap: service ${config.serviceName} not found in namespace ${config.namespaceName}`);
  }
  ids.set(key, serviceId);
  return serviceId;
}
