import { KINDS } from '@plexus/spec';
import { z } from 'zod';
import { registerConfigSection } from '../registry.ts';

const resourceRule = z.strictObject({
  kind: z.enum([...KINDS, '*']),
  /** Name pattern: `*` any characters, `?` one. */
  name: z.string().min(1),
});

/**
 * `ownership:` who may define what, kept by the operators (never in a team's repo). Each mesh (name or
 * pattern) has an owner, who may define the Mesh and anything in it, and the members it is shared with (App
 * Mesh mesh sharing), each limited to resources by kind and name pattern. Without this section sources are
 * not checked.
 */
export const ownershipSection = z.strictObject({
  meshes: z
    .array(
      z.strictObject({
        mesh: z.string().min(1),
        owner: z.string().min(1),
        members: z
          .array(z.strictObject({ owner: z.string().min(1), resources: z.array(resourceRule) }))
          .default([]),
      }),
    )
    .min(1),
});
export type OwnershipSection = z.infer<typeof ownershipSection>;
registerConfigSection('ownership', ownershipSection);
