import { z } from 'zod';
import { registerConfigSection } from '../registry.ts';

/** `xds:` where and how the xDS listener serves (flags --xds-listen, --xds-tls-*, --xds-insecure win). */
export const xdsSection = z.strictObject({
  listen: z.string().optional(),
  insecure: z.boolean().optional(),
  tls: z
    .strictObject({
      cert: z.string(),
      key: z.string(),
      clientCa: z.string().optional(),
    })
    .optional(),
});
export type XdsSection = z.infer<typeof xdsSection>;
registerConfigSection('xds', xdsSection);
