import type { SpecResource } from '@plexus/spec';
import { nativeDocument, newResourcePath } from '../edit/new-file.ts';
import { editResourceFile, type ResourceChange } from '../edit/resource-edit.ts';
import { ApiError } from '../errors.ts';
import { describeKey, KIND_INFO, keyOf, type ResourceKey, sameKey } from '../kinds.ts';
import type { Head, Plan } from './repo-writer.ts';

type Tags = Array<{ key: string; value: string }>;

function find(head: Head, key: ResourceKey): SpecResource | undefined {
  return head.resources.find((r) => sameKey(keyOf(r), key));
}

function label(key: ResourceKey): string {
  return `${key.kind} ${describeKey(key)}`;
}

/** NotFoundException naming what is missing: the mesh, the parent, or the resource itself. */
export function notFound(head: Pick<Head, 'resources'>, key: ResourceKey): ApiError {
  const mesh = head.resources.some((r) => r.kind === 'Mesh' && r.name === key.mesh);
  if (!mesh && key.kind !== 'Mesh') return new ApiError('NotFoundException', `Mesh ${key.mesh} not found`);
  const parent = KIND_INFO[key.kind].parent;
  if (
    parent &&
    !head.resources.some((r) => r.kind === parent.kind && r.mesh === key.mesh && r.name === key.parent)
  ) {
    return new ApiError('NotFoundException', `${parent.kind} ${key.mesh}/${key.parent} not found`);
  }
  return new ApiError('NotFoundException', `${label(key)} not found`);
}

function existing(head: Head, key: ResourceKey): SpecResource {
  const r = find(head, key);
  if (!r) throw notFound(head, key);
  return r;
}

/** The change to `r`'s file on `head`, in the file's own format (ConflictException when the file is gone). */
export function editInHead(head: Head, r: SpecResource, change: ResourceChange) {
  const content = head.files.get(r.position.file);
  if (content === undefined) {
    throw new ApiError(
      'ConflictException',
      `${label(keyOf(r))}: ${r.position.file} is not in the branch head; retry`,
    );
  }
  return { path: r.position.file, content: editResourceFile(content, r, change) };
}

const subject = (op: string, key: ResourceKey) => `${op} ${label(key)}`;

export function createPlan(key: ResourceKey, spec: unknown, tags: Tags | undefined, dir: string): Plan {
  return (head) => {
    if (find(head, key)) throw new ApiError('ConflictException', `${label(key)} already exists`);
    const parentKind = KIND_INFO[key.kind].parent?.kind;
    const meshMissing =
      key.kind !== 'Mesh' && !head.resources.some((r) => r.kind === 'Mesh' && r.name === key.mesh);
    const parentMissing =
      parentKind &&
      !head.resources.some((r) => r.kind === parentKind && r.mesh === key.mesh && r.name === key.parent);
    if (meshMissing || parentMissing) throw notFound(head, key);
    const path = newResourcePath(dir, key);
    const before = head.files.get(path);
    const doc = nativeDocument(key, spec, tags);
    return {
      changes: [{ path, content: before ? `${before.replace(/\n*$/, '\n')}---\n${doc}` : doc }],
      message: `${subject(`Create${key.kind}`, key)}\n\nwritten through the App Mesh API`,
    };
  };
}

export function updatePlan(key: ResourceKey, spec: unknown): Plan {
  return (head) => ({
    changes: [editInHead(head, existing(head, key), { spec })],
    message: `${subject(`Update${key.kind}`, key)}\n\nwritten through the App Mesh API`,
  });
}

/** What App Mesh refuses to delete while it still has children. */
function children(head: Head, key: ResourceKey): SpecResource[] {
  if (key.kind === 'Mesh') return head.resources.filter((r) => r.kind !== 'Mesh' && r.mesh === key.mesh);
  if (key.kind === 'VirtualRouter') {
    return head.resources.filter(
      (r) => r.kind === 'Route' && r.mesh === key.mesh && r.virtualRouter === key.name,
    );
  }
  if (key.kind === 'VirtualGateway') {
    return head.resources.filter(
      (r) => r.kind === 'GatewayRoute' && r.mesh === key.mesh && r.virtualGateway === key.name,
    );
  }
  return [];
}

export function deletePlan(key: ResourceKey): Plan {
  return (head) => {
    const r = existing(head, key);
    const kids = children(head, key);
    if (kids.length > 0) {
      const names = kids.slice(0, 5).map((k) => `${k.kind} ${describeKey(keyOf(k))}`);
      throw new ApiError(
        'ResourceInUseException',
        `${label(key)} still has ${kids.length} resource(s) (${names.join(', ')}${kids.length > 5 ? ', ...' : ''}); delete them first`,
      );
    }
    return {
      changes: [editInHead(head, r, { delete: true })],
      message: `${subject(`Delete${key.kind}`, key)}\n\nwritten through the App Mesh API`,
      refusal: 'ResourceInUseException',
    };
  };
}

export function tagPlan(key: ResourceKey, add: Tags): Plan {
  return (head) => {
    const r = existing(head, key);
    const tags = new Map((r.tags ?? []).map((t) => [t.key, t.value]));
    for (const t of add) tags.set(t.key, t.value);
    const list = [...tags].map(([k, value]) => ({ key: k, value }));
    return {
      changes: [editInHead(head, r, { tags: list })],
      message: `${subject('TagResource', key)}\n\ntags ${add.map((t) => t.key).join(', ')} through the App Mesh API`,
    };
  };
}

export function untagPlan(key: ResourceKey, remove: string[]): Plan {
  return (head) => {
    const r = existing(head, key);
    const list = (r.tags ?? []).filter((t) => !remove.includes(t.key));
    return {
      changes: [editInHead(head, r, { tags: list })],
      message: `${subject('UntagResource', key)}\n\nremoved tags ${remove.join(', ')} through the App Mesh API`,
    };
  };
}
