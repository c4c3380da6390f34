import type { IncomingMessage, ServerResponse } from 'node:http';
import { resourceId, type SpecResource } from '@plexus/spec';
import type { ApiKey } from './auth/api-keys.ts';
import { parseAuthor } from './auth/api-keys.ts';
import { verifySigV4 } from './auth/sigv4.ts';
import { ApiError, sendError, sendJson } from './errors.ts';
import { type Answer, ClientTokens } from './idempotency.ts';
import { arnOf, describeKey, KIND_INFO, keyOf, keyOfArn, type ResourceKey, sameKey } from './kinds.ts';
import type { MetadataSource, ResourceMetadata } from './metadata.ts';
import { API_PREFIX, matchOperation, type Operation } from './operations.ts';
import { page } from './pagination.ts';
import { RateLimiter } from './rate-limit.ts';
import { jsonBody, readBody } from './request-body.ts';
import { type ApiIdentity, type ResourceStatus, resourceData, resourceRef } from './shapes.ts';
import { stableJson } from './stable-json.ts';
import { createPlan, deletePlan, notFound, tagPlan, untagPlan, updatePlan } from './write/plans.ts';
import type { Plan, RepoWriter, WriteOutcome } from './write/repo-writer.ts';

/** The revision the daemon serves: what reads answer from. */
export interface AppliedState {
  revision: string;
  resources: SpecResource[];
}

export interface ApiLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AppMeshApiOptions {
  identity: ApiIdentity;
  keys: readonly ApiKey[];
  applied(): AppliedState | undefined;
  metadata: MetadataSource;
  /** Unset: writes are refused with `writesOff` as the reason. */
  writer?: RepoWriter;
  writesOff?: string;
  /** Folder (relative to the spec root) for resources created through the API. Default `appmesh-api`. */
  newResourceDir?: string;
  rateLimit?: { perSecond?: number; burst?: number };
  log: ApiLog;
  now?: () => Date;
}

type Tags = Array<{ key: string; value: string }>;

interface Call {
  op: Operation;
  key: ApiKey;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

const NAME = /^.{1,255}$/s;

function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new ApiError('BadRequestException', `${field} is required: a string of 1 to 255 characters`);
  }
  return value;
}

function tagsOf(value: unknown, field: string): Tags {
  if (!Array.isArray(value))
    throw new ApiError('BadRequestException', `${field} must be a list of {key, value}`);
  return value.map((t, i) => {
    const { key, value: v } = (t ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || key.length < 1 || key.length > 128) {
      throw new ApiError('BadRequestException', `${field}[${i}].key is required: 1 to 128 characters`);
    }
    if (v !== undefined && (typeof v !== 'string' || v.length > 256)) {
      throw new ApiError(
        'BadRequestException',
        `${field}[${i}].value must be a string of at most 256 characters`,
      );
    }
    return { key, value: (v as string | undefined) ?? '' };
  });
}

function specOf(body: Record<string, unknown>, required: boolean): unknown {
  const spec = body.spec;
  if (spec === undefined || spec === null) {
    if (required) throw new ApiError('BadRequestException', 'spec is required');
    return {};
  }
  if (typeof spec !== 'object' || Array.isArray(spec))
    throw new ApiError('BadRequestException', 'spec must be an object');
  return spec;
}

/**
 * The App Mesh control-plane REST API (2019-01-25) over the daemon's revisions: reads answer from the applied
 * revision, writes become commits (see RepoWriter). Every request is SigV4-verified against `keys`.
 */
export function createAppMeshApi(o: AppMeshApiOptions): {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
} {
  const keys = new Map(o.keys.map((k) => [k.accessKeyId, k]));
  const limiter = new RateLimiter(o.rateLimit);
  const tokens = new ClientTokens();
  const id = o.identity;
  const dir = o.newResourceDir ?? 'appmesh-api';

  const applied = (): AppliedState => {
    const a = o.applied();
    if (!a)
      throw new ApiError(
        'ServiceUnavailableException',
        'no revision applied yet: the daemon is still reading the repository',
      );
    return a;
  };

  const metaOf = (meta: Map<string, ResourceMetadata>, r: SpecResource): ResourceMetadata => {
    const now = Math.floor((o.now?.() ?? new Date()).getTime() / 1000);
    return meta.get(resourceId(r)) ?? { createdAt: now, lastUpdatedAt: now, version: 1, uid: '' };
  };

  const checkScope = (key: ApiKey, op: string, target: ResourceKey) => {
    if (key.meshes && !key.meshes.includes(target.mesh)) {
      throw new ApiError(
        'AccessDeniedException',
        `User: ${key.accessKeyId} is not authorized to perform: appmesh:${op} on resource: ${arnOf(target, id.region, id.accountId)} (the key may change meshes ${key.meshes.join(', ') || 'none'})`,
      );
    }
  };

  const write = async (call: Call, target: ResourceKey, plan: Plan): Promise<WriteOutcome> => {
    checkScope(call.key, call.op.name, target);
    if (!o.writer)
      throw new ApiError(
        'BadRequestException',
        `writes are off: ${o.writesOff ?? 'no repository to commit to'}`,
      );
    return o.writer.write(plan, parseAuthor(call.key.author));
  };

  const writeHeaders = (w: WriteOutcome): Record<string, string> => ({
    'x-plexus-revision': w.commit,
    'x-plexus-apply': w.apply,
  });

  const dataAt = async (r: SpecResource, revision: string, status: ResourceStatus = 'ACTIVE') =>
    resourceData(r, metaOf(await o.metadata.at(revision), r), id, status);

  const resourceCall = async (call: Call, op: Extract<Operation, { type: 'resource' }>): Promise<Answer> => {
    const info = KIND_INFO[op.kind];
    const owner = call.query.get('meshOwner');
    if (owner && owner !== id.accountId)
      throw new ApiError('NotFoundException', `Mesh ${op.mesh ?? ''} owned by ${owner} not found`);
    if (op.verb === 'List') {
      const state = applied();
      if (op.kind !== 'Mesh') {
        const probe: ResourceKey = {
          kind: info.parent?.kind ?? 'Mesh',
          mesh: op.mesh!,
          name: op.parent ?? op.mesh!,
        };
        if (!state.resources.some((r) => sameKey(keyOf(r), probe))) throw notFound(state, probe);
      }
      const items = state.resources
        .filter((r) => {
          if (r.kind !== op.kind) return false;
          if (op.kind === 'Mesh') return true;
          const k = keyOf(r);
          return k.mesh === op.mesh && (k.parent ?? '') === (op.parent ?? '');
        })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const p = page(items, (r) => r.name, call.query);
      const meta = await o.metadata.at(state.revision);
      return {
        status: 200,
        headers: {},
        body: {
          [info.listKey]: p.items.map((r) => resourceRef(r, metaOf(meta, r), id)),
          ...(p.nextToken ? { nextToken: p.nextToken } : {}),
        },
      };
    }
    const name = op.verb === 'Create' ? requireName(call.body[info.nameKey], info.nameKey) : op.resource!;
    const target: ResourceKey = {
      kind: op.kind,
      mesh: op.kind === 'Mesh' ? name : op.mesh!,
      name,
      ...(op.parent ? { parent: op.parent } : {}),
    };
    switch (op.verb) {
      case 'Describe': {
        const state = applied();
        const r = state.resources.find((x) => sameKey(keyOf(x), target));
        if (!r) throw notFound(state, target);
        return { status: 200, headers: {}, body: await dataAt(r, state.revision) };
      }
      case 'Create': {
        const tags = call.body.tags === undefined ? undefined : tagsOf(call.body.tags, 'tags');
        const w = await write(
          call,
          target,
          createPlan(target, specOf(call.body, op.kind !== 'Mesh'), tags, dir),
        );
        const r = w.resources.find((x) => sameKey(keyOf(x), target))!;
        return { status: 200, headers: writeHeaders(w), body: await dataAt(r, w.commit) };
      }
      case 'Update': {
        const w = await write(call, target, updatePlan(target, specOf(call.body, op.kind !== 'Mesh')));
        const r = w.resources.find((x) => sameKey(keyOf(x), target))!;
        return { status: 200, headers: writeHeaders(w), body: await dataAt(r, w.commit) };
      }
      case 'Delete': {
        const w = await write(call, target, deletePlan(target));
        const r = w.base.resources.find((x) => sameKey(keyOf(x), target))!;
        return { status: 200, headers: writeHeaders(w), body: await dataAt(r, w.base.commit, 'DELETED') };
      }
    }
    throw new ApiError('BadRequestException', `${op.name} is not supported`);
  };

  const arnTarget = (query: URLSearchParams, state: { resources: SpecResource[] }): ResourceKey => {
    const arn = query.get('resourceArn');
    if (!arn) throw new ApiError('BadRequestException', 'resourceArn is required');
    const key = keyOfArn(arn);
    if (!key)
      throw new ApiError('BadRequestException', `resourceArn '${arn}' is not an App Mesh resource ARN`);
    if (arnOf(key, id.region, id.accountId) !== arn) {
      throw new ApiError(
        'NotFoundException',
        `${arn} is not in account ${id.accountId}, region ${id.region}`,
      );
    }
    if (!state.resources.some((r) => sameKey(keyOf(r), key))) throw notFound(state, key);
    return key;
  };

  const tagsCall = async (call: Call, op: Extract<Operation, { type: 'tags' }>): Promise<Answer> => {
    const state = applied();
    const key = arnTarget(call.query, state);
    if (op.name === 'ListTagsForResource') {
      const r = state.resources.find((x) => sameKey(keyOf(x), key))!;
      const all = [...(r.tags ?? [])].sort((a, b) => (a.key < b.key ? -1 : 1));
      const p = page(all, (t) => t.key, call.query, 50);
      return {
        status: 200,
        headers: {},
        body: { tags: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) },
      };
    }
    if (op.name === 'TagResource') {
      const w = await write(call, key, tagPlan(key, tagsOf(call.body.tags, 'tags')));
      return { status: 200, headers: writeHeaders(w), body: {} };
    }
    const remove = call.body.tagKeys;
    if (!Array.isArray(remove) || !remove.every((k) => typeof k === 'string')) {
      throw new ApiError('BadRequestException', 'tagKeys must be a list of strings');
    }
    const w = await write(call, key, untagPlan(key, remove as string[]));
    return { status: 200, headers: writeHeaders(w), body: {} };
  };

  return {
    prefix: API_PREFIX,
    async handle(req, res) {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      const rawQuery = q === -1 ? '' : url.slice(q + 1);
      let opName = 'unknown';
      let accessKeyId: string | undefined;
      try {
        const body = await readBody(req);
        if (keys.size === 0) {
          throw new ApiError(
            'UnrecognizedClientException',
            'no API keys are configured: start plexus run with --api-keys FILE',
          );
        }
        const key = await verifySigV4(
          { method: req.method ?? 'GET', path, query: rawQuery, headers: req.headers, body },
          keys,
          { region: id.region, now: o.now?.() },
        );
        accessKeyId = key.accessKeyId;
        if (!limiter.take(key.accessKeyId))
          throw new ApiError('TooManyRequestsException', 'rate exceeded for this access key; retry later');
        const op = matchOperation(req.method ?? 'GET', path);
        if (!op) throw new ApiError('NotFoundException', `no App Mesh operation at ${req.method} ${path}`);
        opName = op.name;
        const call: Call = {
          op,
          key,
          query: new URLSearchParams(rawQuery),
          body: req.method === 'PUT' ? jsonBody(body) : {},
        };
        const token = typeof call.body.clientToken === 'string' ? call.body.clientToken : undefined;
        const { clientToken: _ignored, ...rest } = call.body;
        const answer = await tokens.run(
          key.accessKeyId,
          token,
          `${op.name} ${path} ${stableJson(rest)}`,
          () => (op.type === 'resource' ? resourceCall(call, op) : tagsCall(call, op)),
        );
        if (op.type === 'resource' && op.verb !== 'Describe' && op.verb !== 'List') {
          o.log.info(
            {
              op: op.name,
              accessKeyId,
              resource: answer.headers['x-plexus-revision'] ? describeTarget(op) : undefined,
              revision: answer.headers['x-plexus-revision'],
              apply: answer.headers['x-plexus-apply'],
            },
            'app mesh api write',
          );
        }
        sendJson(res, answer.status, answer.body, answer.headers);
      } catch (err) {
        const e =
          err instanceof ApiError
            ? err
            : new ApiError('InternalServerErrorException', (err as Error).message);
        (e.status >= 500 ? o.log.warn : o.log.info).call(
          o.log,
          { op: opName, accessKeyId, code: e.code, reason: e.message },
          'app mesh api call refused',
        );
        sendError(res, e);
      }
    },
  };
}

function describeTarget(op: Extract<Operation, { type: 'resource' }>): string {
  return `${op.kind} ${describeKey({ kind: op.kind, mesh: op.mesh ?? '', parent: op.parent, name: op.resource ?? '' })}`;
}
