import type { Diagnostic, SourcePosition, SpecResource } from '@plexus/spec';
import { globMatches } from './glob.ts';
import type { MemberRule, MeshRule, OwnershipRules, ResourceRule, SourceIdentity } from './rules.ts';

/**
 * Checks every resource against the ownership rules: the source that defines it must speak for the mesh's
 * owner, or for a member the mesh is shared with whose resource rules cover it (a Route goes with its
 * virtual router, a GatewayRoute with its virtual gateway). `meshOwner` and `resourceOwner` written in a
 * resource must agree with the mesh's owner and the source's owner. Each violation is an error at the
 * resource's (or the owner field's) position naming the rule.
 */
export function checkOwnership(
  resources: readonly SpecResource[],
  sourceOf: (r: SpecResource) => SourceIdentity | undefined,
  rules: OwnershipRules,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of resources) {
    const src = sourceOf(r);
    if (!src) continue;
    const error = (pos: SourcePosition, path: string, message: string) =>
      out.push({
        severity: 'error',
        file: pos.file,
        line: pos.line,
        col: pos.col,
        kind: r.kind,
        mesh: r.mesh,
        name: r.name,
        path,
        message,
      });
    const who = `owner '${src.owner}' (source ${src.name})`;
    const meshRule = rules.meshes.find((m) => globMatches(m.mesh, r.mesh));
    if (!meshRule) {
      error(
        r.position,
        '',
        `${who} may not define ${r.kind} '${r.name}': no ownership rule covers mesh '${r.mesh}' (add it to ownership.meshes)`,
      );
      continue;
    }
    const mo = r.owners?.meshOwner;
    if (mo && mo.value !== meshRule.owner) {
      error(
        mo.position,
        mo.field,
        `meshOwner '${mo.value}' is not the owner of mesh '${r.mesh}': rule ${meshRule.label} makes '${meshRule.owner}' its owner`,
      );
    }
    const ro = r.owners?.resourceOwner;
    if (ro && ro.value !== src.owner) {
      error(
        ro.position,
        ro.field,
        `resourceOwner '${ro.value}' is not the owner of source ${src.name} ('${src.owner}'), which defines it`,
      );
    }
    if (src.owner === meshRule.owner) continue;
    if (r.kind === 'Mesh') {
      // A member's own view of the shared mesh (a consumer cluster's Mesh with meshOwner), as App Mesh allowed.
      if (mo && meshRule.members.some((m) => m.owner === src.owner)) continue;
      error(
        r.position,
        '',
        `${who} may not define Mesh '${r.mesh}': rule ${meshRule.label} makes '${meshRule.owner}' its owner, and only the owner defines a mesh (a member it is shared with may name it with meshOwner)`,
      );
      continue;
    }
    const member = meshRule.members.find((m) => m.owner === src.owner);
    if (!member) {
      error(
        r.position,
        '',
        `${who} may not define ${r.kind} '${r.name}': mesh '${r.mesh}' is not shared with it (rule ${meshRule.label} shares it with ${membersOf(meshRule)})`,
      );
      continue;
    }
    if (!covers(member, r)) {
      error(
        r.position,
        '',
        `${who} may not define ${r.kind} '${r.name}' in mesh '${r.mesh}': rule ${member.label} allows ${describeRules(member.resources)}`,
      );
    }
  }
  return out;
}

function matches(rule: ResourceRule, kind: SpecResource['kind'], name: string): boolean {
  return (rule.kind === '*' || rule.kind === kind) && globMatches(rule.name, name);
}

function covers(member: MemberRule, r: SpecResource): boolean {
  return member.resources.some(
    (rule) =>
      matches(rule, r.kind, r.name) ||
      (r.kind === 'Route' &&
        r.virtualRouter !== undefined &&
        matches(rule, 'VirtualRouter', r.virtualRouter)) ||
      (r.kind === 'GatewayRoute' &&
        r.virtualGateway !== undefined &&
        matches(rule, 'VirtualGateway', r.virtualGateway)),
  );
}

function membersOf(rule: MeshRule): string {
  return rule.members.length > 0 ? rule.members.map((m) => `'${m.owner}'`).join(', ') : 'no other owner';
}

function describeRules(rules: readonly ResourceRule[]): string {
  return rules.length > 0 ? rules.map((r) => `${r.kind} ${r.name}`).join(', ') : 'nothing';
}
