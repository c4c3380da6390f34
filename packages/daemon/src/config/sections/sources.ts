import { z } from 'zod';
import { registerConfigSection } from '../registry.ts';

/**
 * `sources:` several repositories (work trees, directories, remote URLs) forming one mesh, each with its own
 * revision and last-known-good; `plexus run --repo ...` on the command line replaces the list.
 */
export const sourcesSection = z
  .array(
    z
      .strictObject({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "letters, digits, '.', '_' or '-'"),
        repo: z.string().min(1),
        branch: z.string().optional(),
        tag: z.string().optional(),
        commit: z.string().optional(),
        path: z.string().optional(),
        /** The team or AWS account id the ownership rules know it as; default its name. */
        owner: z.string().min(1).optional(),
        pollInterval: z.number().int().min(100).optional(),
        tokenEnv: z.string().optional(),
        tokenFile: z.string().optional(),
      })
      .refine((s) => [s.branch, s.tag, s.commit].filter(Boolean).length <= 1, {
        message: 'give at most one of branch, tag and commit',
      }),
  )
  .min(1)
  .refine((list) => new Set(list.map((s) => s.name)).size === list.length, {
    message: 'source names must be unique',
  });
export type SourcesSection = z.infer<typeof sourcesSection>;
registerConfigSection('sources', sourcesSection);
