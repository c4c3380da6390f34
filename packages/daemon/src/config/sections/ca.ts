import { z } from 'zod';
import { registerConfigSection } from '../registry.ts';

const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 90s, 30m, 24h or 7d');

/** `ca:` the mesh certificate authority (@plexus/ca): which backend signs, leaf lifetime, the ACM ARNs it stands in for. */
export const caSection = z.strictObject({
  backend: z.enum(['generated', 'files', 'aws-pca']).default('generated'),
  /** Leaf certificate lifetime (renewed at half-life). Default 24h. */
  leafLifetime: duration.optional(),
  /** ACM Private CA ARNs (`validation.trust.acm.certificateAuthorityArns`) this CA stands in for. */
  acmCertificateAuthorityArns: z.array(z.string().startsWith('arn:')).optional(),
  /** ACM listeners also require mesh client certificates, and ACM clients present theirs. Default false. */
  mutualTls: z.boolean().optional(),
  /** After a CA change, how long the new bundle travels before new leaves follow. Default 10s. */
  bundleLead: duration.optional(),
  files: z
    .strictObject({
      certificateChain: z.string(),
      privateKey: z.string(),
      trustBundle: z.string().optional(),
    })
    .optional(),
  awsPca: z
    .strictObject({
      certificateAuthorityArn: z.string().startsWith('arn:'),
      region: z.string().optional(),
      endpoint: z.string().url().optional(),
      signingAlgorithm: z
        .enum(['SHA256WITHRSA', 'SHA256WITHECDSA', 'SHA384WITHRSA', 'SHA384WITHECDSA'])
        .optional(),
    })
    .optional(),
});
export type CaSection = z.infer<typeof caSection>;
registerConfigSection('ca', caSection);
