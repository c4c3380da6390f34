import type { Kind } from '@plexus/spec';

/** Which resources of a mesh an owner may define: a kind (or `*`) and a name pattern (`*`, `?`). */
export interface ResourceRule {
  kind: Kind | '*';
  name: string;
}

/** An owner the mesh owner shares the mesh with (App Mesh mesh sharing), and what it may define there. */
export interface MemberRule {
  owner: string;
  resources: ResourceRule[];
  /** How errors name this rule, e.g. `plexus.yaml ownership.meshes[0].members[1]`. */
  label: string;
}

/** A mesh (name or pattern), the owner that may define it and everything in it, and its members. */
export interface MeshRule {
  mesh: string;
  owner: string;
  members: MemberRule[];
  label: string;
}

/** The operators' ownership rules (daemon config file, `ownership:` section). */
export interface OwnershipRules {
  meshes: MeshRule[];
}

/** A configured source as the rules see it: its name and the owner (team, or AWS account id) it speaks for. */
export interface SourceIdentity {
  name: string;
  owner: string;
}
