import { patternError } from '@plexus/security';
import { z } from 'zod';
import { registerConfigSection } from '../registry.ts';

const nodePattern = z.string().superRefine((s, ctx) => {
  const e = patternError(s);
  if (e) ctx.addIssue({ code: 'custom', message: e });
});
const nodes = z.array(nodePattern).min(1);

/** `identity:` who proxies are and which nodes each credential may be. Mesh authors cannot write this file. */
export const identitySection = z.strictObject({
  trustDomain: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'a trust domain is lower-case letters, digits, dots and dashes')
    .optional(),
  /** Refuse streams without a credential even on a plaintext loopback listener. */
  required: z.boolean().optional(),
  /** Node tokens (on by default with --state-dir). */
  tokens: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  kubernetes: z
    .strictObject({
      audience: z.string().default('plexus'),
      /** API server URL; default: in-cluster, or the kubeconfig. */
      server: z.string().optional(),
      /** Bearer token file the daemon uses to call TokenReview. */
      tokenFile: z.string().optional(),
      caFile: z.string().optional(),
      bindings: z
        .array(
          z.strictObject({
            /** `namespace/name`, `*` wildcards. */
            serviceAccount: z.string().regex(/^[^/]+\/[^/]+$/, 'expected namespace/name'),
            /** `{namespace}` and `{name}` fill in from the service account. */
            nodes,
          }),
        )
        .min(1),
    })
    .optional(),
  aws: z
    .strictObject({
      /** The value callers sign into `x-plexus-server-id`; default the trust domain. */
      serverId: z.string().optional(),
      /** Where signed requests are replayed (default: the STS host they were signed for); a VPC endpoint, or moto. */
      stsEndpoint: z.string().url().optional(),
      tokenTtl: z.string().default('1h'),
      bindings: z
        .array(
          z.strictObject({
            /** IAM role ARN, `*` wildcards (arn:aws:iam::123456789012:role/colorapp-*). */
            roleArn: z.string().startsWith('arn:'),
            /** `{role}` fills in from the role name. */
            nodes,
          }),
        )
        .min(1),
    })
    .optional(),
  /** The unmodified App Mesh image: peer address must be an endpoint discovery attributes to the node. */
  discovery: z.strictObject({ meshes: z.array(z.string()).min(1) }).optional(),
});
export type IdentitySection = z.infer<typeof identitySection>;
registerConfigSection('identity', identitySection);
