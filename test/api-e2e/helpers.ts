/** The AWS CLI and SDK pointed at a Plexus (or moto) endpoint, as a pipeline would change only the endpoint. */
import { execFile } from 'node:child_process';
import { AppMesh } from '@aws-sdk/client-app-mesh';
import { awsCliBinary } from '@plexus/testkit';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

export function sdk(endpoint: string, creds: Creds, region: string): AppMesh {
  return new AppMesh({ endpoint, region, credentials: creds, maxAttempts: 1 });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json?: Record<string, unknown>;
}

/** `aws appmesh ARGS --endpoint-url ENDPOINT`, without blocking the event loop (the daemon runs in-process). */
export function awsAppMesh(
  endpoint: string,
  creds: Creds,
  region: string,
  args: string[],
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      awsCliBinary(),
      ['appmesh', ...args, '--endpoint-url', endpoint, '--region', region, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: creds.accessKeyId,
          AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_PAGER: '',
          AWS_MAX_ATTEMPTS: '1',
        },
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
        let json: Record<string, unknown> | undefined;
        try {
          json = stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}

/** The canary route spec: red/blue weights, green off. */
export function canarySpec(red: number, blue: number) {
  return {
    httpRoute: {
      match: { prefix: '/' },
      action: {
        weightedTargets: [
          { virtualNode: 'colorteller-red', weight: red },
          { virtualNode: 'colorteller-blue', weight: blue },
          { virtualNode: 'colorteller-green', weight: 0 },
        ],
      },
    },
  };
}

/** The shape of a value: keys and leaf types, recursively (first element of arrays); dates and epoch numbers as 'time'. */
export function shapeOf(value: unknown, key = ''): unknown {
  if (value instanceof Date || /^(createdAt|lastUpdatedAt)$/.test(key)) return 'time';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      // moto writes null for fields it does not model; the SDKs read null as absent
      if (v === undefined || v === null || k === '$metadata') continue;
      const shape = shapeOf(v, k);
      // what is left of a moto object holding only nulls
      if (shape && typeof shape === 'object' && !Array.isArray(shape) && Object.keys(shape).length === 0)
        continue;
      out[k] = shape;
    }
    return out;
  }
  return typeof value;
}

/**
 * Where two shapes differ. A field Plexus adds under `spec` is allowed (App Mesh's defaults, which moto leaves
 * out); everything else must match both ways, names and types.
 */
export function shapeDifferences(ours: unknown, theirs: unknown, path = ''): string[] {
  if (typeof ours !== 'object' || typeof theirs !== 'object' || ours === null || theirs === null) {
    return JSON.stringify(ours) === JSON.stringify(theirs)
      ? []
      : [`${path}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`];
  }
  if (Array.isArray(ours) || Array.isArray(theirs)) {
    if (!Array.isArray(ours) || !Array.isArray(theirs)) return [`${path}: list vs not a list`];
    if (ours.length === 0 || theirs.length === 0) return [];
    return shapeDifferences(ours[0], theirs[0], `${path}[]`);
  }
  const a = ours as Record<string, unknown>;
  const b = theirs as Record<string, unknown>;
  const out: string[] = [];
  for (const k of Object.keys(b)) {
    if (!(k in a)) out.push(`${path}.${k}: missing in Plexus`);
    else out.push(...shapeDifferences(a[k], b[k], `${path}.${k}`));
  }
  for (const k of Object.keys(a)) {
    if (!(k in b) && !/(^|\.)spec(\.|$)/.test(`${path}.${k}`.slice(1))) out.push(`${path}.${k}: not in moto`);
  }
  return out;
}
