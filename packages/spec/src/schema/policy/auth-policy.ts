/**
 * AuthPolicy: who may call. JWT authentication and external authorization, attached to a virtual node (its
 * inbound listener), a virtual gateway (its listeners), a route or a gateway route (that route only).
 */
import { boolean, type Infer, list, object, optional, string } from '../dsl.ts';
import { PolicyServiceRefSchema, PolicyTargetRefSchema, policyDuration } from './common.ts';

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export const JwtClaimToHeaderSchema = object({
  /** A top-level claim (`sub`) or a nested one (`org.team`). */
  claim: string({ min: 1, max: 255 }),
  header: string({ min: 1, max: 255, pattern: HEADER_NAME }),
});

export const RemoteJwksSchema = object({
  /** `https://` (TLS, SNI the host) or `http://`; Plexus makes the cluster that fetches it. */
  uri: string({ min: 8, max: 2048, pattern: /^https?:\/\/[^/\s:]+(:\d{1,5})?(\/\S*)?$/ }),
  /** How long fetched keys are kept. Default 5m. */
  cacheDuration: optional(policyDuration()),
  /** Fetch timeout. Default 5s. */
  timeout: optional(policyDuration()),
});

export const LocalJwksSchema = object({
  /** The JWKS JSON document itself. */
  inline: string({
    min: 2,
    max: 65536,
    refine: (v) => {
      try {
        const doc = JSON.parse(v) as { keys?: unknown };
        return Array.isArray(doc.keys) ? undefined : 'must be a JWKS JSON document with a "keys" list';
      } catch (e) {
        return `is not JSON: ${(e as Error).message}`;
      }
    },
  }),
});

export const JwtProviderSchema = object(
  {
    /** Unique within the policy; names the provider in Envoy's config. */
    name: string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ }),
    issuer: string({ min: 1, max: 2048 }),
    /** Accepted `aud` values; any audience when empty. */
    audiences: optional(list(string({ min: 1, max: 2048 }), { max: 32 })),
    remoteJwks: optional(RemoteJwksSchema),
    localJwks: optional(LocalJwksSchema),
    claimToHeaders: optional(list(JwtClaimToHeaderSchema, { max: 32 })),
    /** Keep the token on the request passed upstream. Default false. */
    forwardToken: optional(boolean()),
  },
  { exactlyOne: ['remoteJwks', 'localJwks'] },
);
export type JwtProvider = Infer<typeof JwtProviderSchema>;

export const JwtAuthSchema = object({
  /** A request must carry a valid token of one of these providers. */
  providers: optional(list(JwtProviderSchema, { min: 1, max: 16 })),
  /** A request without a token passes (an invalid one is still refused). Default false. */
  allowMissing: optional(boolean()),
  /** Route or gateway route targets only: no JWT requirement on this route, whatever the listener's. */
  disabled: optional(boolean()),
});
export type JwtAuth = Infer<typeof JwtAuthSchema>;

export const ExtAuthzServiceSchema = object({
  service: PolicyServiceRefSchema,
  /** Default 1s. */
  timeout: optional(policyDuration()),
});

export const ExtAuthzHttpSchema = object({
  service: PolicyServiceRefSchema,
  timeout: optional(policyDuration()),
  /** Prefix put before the request path in the check request. */
  pathPrefix: optional(string({ min: 1, max: 255, pattern: /^\// })),
  /** Request headers sent to the authorization service besides the defaults (Host, Method, Path, ...). */
  allowedHeaders: optional(list(string({ min: 1, max: 255, pattern: HEADER_NAME }), { max: 32 })),
});

export const ExtAuthzSchema = object(
  {
    grpc: optional(ExtAuthzServiceSchema),
    http: optional(ExtAuthzHttpSchema),
    /** Let requests through when the authorization service fails (errors, timeouts). Default false: 403. */
    failOpen: optional(boolean()),
    /** Route or gateway route targets only: no check on this route. */
    disabled: optional(boolean()),
  },
  { atMostOne: [['grpc', 'http', 'disabled']] },
);
export type ExtAuthz = Infer<typeof ExtAuthzSchema>;

export const AuthPolicySpecSchema = object({
  targetRef: PolicyTargetRefSchema,
  jwt: optional(JwtAuthSchema),
  extAuthz: optional(ExtAuthzSchema),
});
export type AuthPolicySpec = Infer<typeof AuthPolicySpecSchema>;
