import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { applyIpPreference, type IpPreference } from '@plexus/plugin-api';

/** Answers that mean "this name has no such records" rather than "the resolver failed". */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA', 'NOTFOUND', 'NODATA']);

function isNoRecords(err: unknown): boolean {
  return NO_RECORDS.has((err as { code?: string }).code ?? '');
}

/** Resolves `hostname` to addresses in answer order. */
export type AddressResolver = (hostname: string, families: ReadonlyArray<4 | 6>) => Promise<string[]>;

/** Through getaddrinfo (honours /etc/hosts and the system resolver), like an application would. */
export const systemResolver: AddressResolver = async (hostname, families) => {
  try {
    const found = await dns.lookup(hostname, { all: true, order: 'verbatim' });
    return found.filter((a) => families.includes(a.family as 4 | 6)).map((a) => a.address);
  } catch (err) {
    if (isNoRecords(err)) return [];
    throw err;
  }
};

/** Straight DNS queries (A/AAAA) to the given servers (`host:port`), bypassing the system configuration. */
export function serversResolver(servers: string[], timeoutMs = 2000): AddressResolver {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
  resolver.setServers(servers);
  return async (hostname, families) => {
    const query = async (family: 4 | 6) => {
      try {
        return family === 4 ? await resolver.resolve4(hostname) : await resolver.resolve6(hostname);
      } catch (err) {
        if (isNoRecords(err)) return [];
        throw err;
      }
    };
    const answers = await Promise.all(families.map(query));
    return answers.flat();
  };
}

/** The families a preference needs to ask for. */
export function familiesFor(pref: IpPreference): Array<4 | 6> {
  return pref === 'IPv4_ONLY' ? [4] : pref === 'IPv6_ONLY' ? [6] : [4, 6];
}

/** Resolves and applies the IP preference; LOADBALANCER keeps only the first remaining address. */
export async function resolveAddresses(
  resolve: AddressResolver,
  hostname: string,
  pref: IpPreference,
  responseType: 'ENDPOINTS' | 'LOADBALANCER',
): Promise<string[]> {
  // An IP literal needs no DNS.
  const literal = isIP(hostname);
  const found = literal !== 0 ? [hostname] : await resolve(hostname, familiesFor(pref));
  const kept = applyIpPreference([...new Set(found)], (a) => isIP(a) as 0 | 4 | 6, pref);
  return responseType === 'ENDPOINTS' ? kept : kept.slice(0, 1);
}
