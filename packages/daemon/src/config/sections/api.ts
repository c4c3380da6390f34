import { z } from 'zod';
import { registerConfigSection } from '../registry.ts';

/** `api:` the App Mesh API at /v20190125 (docs/api.md). */
export const apiSection = z.strictObject({
  /** The SigV4 keys file (same as `plexus run --api-keys`), relative to the config file. */
  keys: z.string().optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-west-2')
    .optional(),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional(),
  /** Folder under the spec root for resources created through the API. */
  newResourceDir: z.string().optional(),
  /** How long a write waits for its commit to be applied (ms). */
  applyTimeoutMs: z.number().int().positive().optional(),
  rateLimit: z
    .strictObject({
      perSecond: z.number().positive().optional(),
      burst: z.number().int().positive().optional(),
    })
    .optional(),
});
export type ApiSection = z.infer<typeof apiSection>;
registerConfigSection('api', apiSection);
