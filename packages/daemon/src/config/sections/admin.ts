import { z } from 'zod';
import { registerConfigSection } from '../registry.ts';

/** `admin:` tokens that may read everything (CSDS, /api/v1/status and /metrics beyond loopback). */
export const adminSection = z.strictObject({
  tokens: z
    .array(
      z.union([
        z.strictObject({
          name: z.string(),
          sha256: z.string().regex(/^[0-9a-f]{64}$/, 'hex SHA-256 of the token'),
        }),
        z.strictObject({ name: z.string(), file: z.string() }),
      ]),
    )
    .min(1),
});
export type AdminSection = z.infer<typeof adminSection>;
registerConfigSection('admin', adminSection);
