/**
 * Golden AdmissionReview → JSON patch tests for the pods of real App Mesh walkthroughs (fixtures/ORIGIN.md).
 * Per Deployment: `golden/<fixture>/<deployment>.review.json` is the request the API server sends (input) and
 * `<deployment>.response.json` the webhook's answer with its patch decoded. `UPDATE_GOLDEN=1` rewrites both.
 * Every injected Envoy's bootstrap is also checked by the real Envoy in --mode validate.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { envoyBootstrap } from '@plexus/daemon';
import { envoyBinary } from '@plexus/testkit';
import jsonpatch from 'fast-json-patch';
import { describe, expect, test } from 'vitest';
import { defaultInjectConfig } from '../src/config.ts';
import type { AdmissionReview, Container, JsonPatchOp, Pod } from '../src/k8s-types.ts';
import { reviewPod } from '../src/review.ts';
import { admissionReview, manifestPods } from './manifests.ts';

const run = promisify(execFile);
const GOLDEN = join(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const FILES = [
  'howto-k8s-connection-pools.yaml',
  'howto-k8s-tls-file-based.yaml',
  'eks-bulkhead-pattern.yaml',
];

export const goldenConfig = defaultInjectConfig((node, files) =>
  envoyBootstrap({ node, xdsAddress: 'plexus-xds.plexus-system.svc:18000', adminPort: files.adminPort }),
);

function decoded(review: AdmissionReview) {
  const r = review.response!;
  const { patch, ...rest } = r;
  return {
    ...rest,
    ...(patch ? { patch: JSON.parse(Buffer.from(patch, 'base64').toString()) as JsonPatchOp[] } : {}),
  };
}

const bootstraps: { where: string; args: string[] }[] = [];

for (const file of FILES) {
  const name = file.replace(/\.yaml$/, '');
  describe(`golden: ${name}`, () => {
    const m = manifestPods(file);
    for (const { deployment, namespace, pod } of m.pods) {
      test(`${namespace}/${deployment}`, () => {
        const dir = join(GOLDEN, name);
        const reviewFile = join(dir, `${deployment}.review.json`);
        const responseFile = join(dir, `${deployment}.response.json`);
        if (UPDATE) {
          mkdirSync(dir, { recursive: true });
          writeFileSync(
            reviewFile,
            `${JSON.stringify(admissionReview(pod, namespace, `golden-${deployment}`), null, 2)}\n`,
          );
        }
        const input = JSON.parse(readFileSync(reviewFile, 'utf8')) as AdmissionReview;
        const out = reviewPod(input, {
          index: m.index,
          config: goldenConfig,
          namespaceDefault: m.namespaceDefault.get(namespace) as 'enabled' | 'disabled' | undefined,
        });
        const got = decoded(out);
        if (UPDATE) writeFileSync(responseFile, `${JSON.stringify(got, null, 2)}\n`);
        expect(existsSync(responseFile), `${responseFile}: run with UPDATE_GOLDEN=1`).toBe(true);
        expect(got).toEqual(JSON.parse(readFileSync(responseFile, 'utf8')));
        expect(got.uid).toBe(input.request!.uid);
        if (got.patch) {
          // The patch applies to the pod as sent, and the result is a pod with an Envoy that runs as 1337.
          const patched = jsonpatch.applyPatch(
            structuredClone(input.request!.object as Pod),
            got.patch,
            true,
            false,
          ).newDocument as Pod;
          const envoy = patched.spec.containers.find((c: Container) => c.name === 'envoy');
          expect(envoy?.securityContext).toMatchObject({ runAsUser: 1337 });
          bootstraps.push({ where: `${name}/${deployment}`, args: envoy!.args! });
        }
      });
    }
  });
}

describe('golden: what the cases cover', () => {
  test('pods in unlabelled namespaces and pods that opt out are left alone; the others get a sidecar', () => {
    const outcome = (file: string, deployment: string) =>
      JSON.parse(readFileSync(join(GOLDEN, file, `${deployment}.response.json`), 'utf8')) as {
        patch?: JsonPatchOp[];
      };
    expect(outcome('howto-k8s-connection-pools', 'fortio').patch).toBeUndefined(); // namespace default
    expect(outcome('eks-bulkhead-pattern', 'vegeta').patch).toBeUndefined(); // annotation disabled
    const red = outcome('howto-k8s-connection-pools', 'red').patch!;
    expect(red.map((o) => o.path)).toEqual(['/spec/initContainers', '/spec/containers/-']);
    const gw = outcome('howto-k8s-connection-pools', 'ingress-gw').patch!;
    expect(gw.map((o) => `${o.op} ${o.path}`)).toEqual(['replace /spec/containers/0']);
    const front = outcome('howto-k8s-tls-file-based', 'front').patch!;
    expect(front[0]).toMatchObject({ op: 'add', path: '/spec/volumes' });
  });

  test('every injected bootstrap is accepted by the real Envoy (--mode validate)', async () => {
    expect(bootstraps.length).toBeGreaterThan(3);
    const dir = mkdtempSync(join(tmpdir(), 'plexus-inject-golden-'));
    try {
      for (const b of bootstraps) {
        const i = b.args.indexOf('--config-yaml');
        const r = await run(
          envoyBinary(),
          ['--mode', 'validate', '--config-yaml', b.args[i + 1]!, '-l', 'warn'],
          {
            cwd: dir,
          },
        ).catch((e: { stdout?: string; stderr?: string }) => ({
          stdout: e.stdout ?? '',
          stderr: `FAILED ${e.stderr}`,
        }));
        expect(r.stderr, b.where).not.toMatch(/FAILED/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
