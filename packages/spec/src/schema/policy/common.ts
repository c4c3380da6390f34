/** Shapes shared by the policy kinds (AuthPolicy, TrafficPolicy, ProxyPatch). */
import { portNumber } from '../common.ts';
import { enumOf, type Infer, object, optional, type Schema, string } from '../dsl.ts';

/** What a policy may attach to. */
export const POLICY_TARGET_KINDS = ['VirtualNode', 'VirtualGateway', 'Route', 'GatewayRoute'] as const;
export type PolicyTargetKind = (typeof POLICY_TARGET_KINDS)[number];

/**
 * The resource a policy attaches to, in the policy's mesh. A Route names its virtual router, a GatewayRoute its
 * virtual gateway, as their own metadata does.
 */
export const PolicyTargetRefSchema = object({
  kind: enumOf(POLICY_TARGET_KINDS),
  name: string({ min: 1, max: 255 }),
  virtualRouter: optional(string({ min: 1, max: 255 })),
  virtualGateway: optional(string({ min: 1, max: 255 })),
});
export type PolicyTargetRef = Infer<typeof PolicyTargetRefSchema>;

const DURATION = /^\d+(\.\d+)?(ms|s|m|h)$/;

/** `250ms`, `1.5s`, `2m`, `1h`. */
export function policyDuration(): Schema<string> {
  return string({ min: 2, max: 32, pattern: DURATION });
}

/** A duration string → seconds. */
export function durationSeconds(d: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : n * 3600;
}

/** `host:port`, host a name or an IPv4 literal (`[v6]:port` for IPv6). */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** A service a proxy calls for a policy (ext_authz, rate limit service, mirror): a virtual service or an address. */
export const PolicyServiceRefSchema = object(
  {
    /** A virtual service of the mesh provided by a virtual node: its endpoints, from discovery. */
    virtualService: optional(string({ min: 1, max: 255 })),
    /** With virtualService: which of the provider's listener ports (default: its first listener). */
    port: optional(portNumber()),
    /** `host:port`, reached directly (STRICT_DNS for a name). */
    address: optional(
      string({
        min: 3,
        max: 261,
        refine: (v) => {
          const m = HOST_PORT.exec(v);
          if (!m) return 'must be host:port';
          const port = Number(m[2]);
          return port >= 1 && port <= 65535 ? undefined : `port ${port} is out of range 1-65535`;
        },
      }),
    ),
  },
  { exactlyOne: ['virtualService', 'address'], atMostOne: [['address', 'port']] },
);
export type PolicyServiceRef = Infer<typeof PolicyServiceRefSchema>;

export function splitHostPort(address: string): { host: string; port: number } {
  const m = HOST_PORT.exec(address)!;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/** A percentage 0–100 with up to 4 decimals. */
export const PERCENT_RULES = { min: 0, max: 100 } as const;
