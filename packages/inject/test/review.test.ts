import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { type BootstrapFiles, defaultInjectConfig } from '../src/config.ts';
import type { AdmissionReview, JsonPatchOp, Pod } from '../src/k8s-types.ts';
import { MeshIndex } from '../src/mesh-index.ts';
import { BadReview, reviewPod } from '../src/review.ts';
import { startWebhookServer } from '../src/server.ts';
import { admissionReview, manifestPods } from './manifests.ts';

const seen: { node: string; files: BootstrapFiles }[] = [];
const config = defaultInjectConfig((node, files) => {
  seen.push({ node, files });
  return { node: { id: node } };
});
const m = manifestPods('howto-k8s-connection-pools.yaml');
const redPod = m.pods.find((p) => p.deployment === 'red')!.pod;

function withAnnotations(
  pod: Pod,
  annotations: Record<string, string>,
  labels?: Record<string, string>,
): Pod {
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      annotations: { ...pod.metadata.annotations, ...annotations },
      labels: labels ?? pod.metadata.labels,
    },
  };
}

function review(
  pod: Pod,
  opts: { ns?: 'enabled' | 'disabled'; index?: MeshIndex | null; c?: typeof config } = {},
) {
  const out = reviewPod(admissionReview(pod, 'app-namespace', 'u1'), {
    index: opts.index === null ? undefined : (opts.index ?? m.index),
    config: opts.c ?? config,
    namespaceDefault: opts.ns ?? 'enabled',
  }).response!;
  const patch = out.patch
    ? (JSON.parse(Buffer.from(out.patch, 'base64').toString()) as JsonPatchOp[])
    : undefined;
  return { ...out, ops: patch };
}

const envOf = (ops: JsonPatchOp[] | undefined, container: string) => {
  const c = ops
    ?.flatMap((o) => (Array.isArray(o.value) ? o.value : [o.value]))
    .find((v) => (v as { name?: string }).name === container) as
    | { env: { name: string; value: string }[]; resources?: object; volumeMounts?: object[] }
    | undefined;
  return { c, env: Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value])) };
};

describe('reviewPod', () => {
  test('with TLS to Plexus: a projected service-account token (audience plexus) and the CA reach the bootstrap', () => {
    seen.length = 0;
    const tls = { ...config, xdsCa: { configMapName: 'plexus-xds-ca', key: 'ca.crt' } };
    const r = review(redPod, { c: tls });
    const volumes = r.ops!.find((o) => o.path === '/spec/volumes')!.value as {
      name: string;
      projected?: unknown;
    }[];
    expect(volumes.map((v) => v.name)).toEqual(['plexus-xds-ca', 'plexus-token']);
    expect(volumes[1]!.projected).toEqual({
      sources: [{ serviceAccountToken: { audience: 'plexus', expirationSeconds: 3600, path: 'token' } }],
    });
    expect(seen[0]).toEqual({
      node: 'mesh/mesh-name/virtualNode/red_app-namespace',
      files: {
        adminPort: 9901,
        xdsCaFile: '/etc/plexus/xds-ca/ca.crt',
        tokenFile: '/var/run/secrets/plexus/token',
      },
    });
    expect(envOf(r.ops, 'envoy').c?.volumeMounts).toEqual([
      { name: 'plexus-xds-ca', mountPath: '/etc/plexus/xds-ca', readOnly: true },
      { name: 'plexus-token', mountPath: '/var/run/secrets/plexus', readOnly: true },
    ]);
  });

  test('the proxy annotations reach proxy init, the resource annotations both containers', () => {
    const r = review(
      withAnnotations(redPod, {
        'appmesh.k8s.aws/ports': '8080,8443',
        'appmesh.k8s.aws/egressIgnoredPorts': '22,5432',
        'appmesh.k8s.aws/egressIgnoredIPs': '169.254.169.254,10.0.0.1',
        'appmesh.k8s.aws/ipv6': 'disabled',
        'appmesh.k8s.aws/cpuRequest': '50m',
        'appmesh.k8s.aws/memoryLimit': '128Mi',
        'appmesh.k8s.aws/sidecarEnv': 'DD_ENV=qa1, ENV2=test',
        'appmesh.k8s.aws/sidecarEnvJson': '[{"TEAM":"colors"}]',
      }),
    );
    const init = envOf(r.ops, 'proxyinit');
    expect(init.env).toMatchObject({
      APPMESH_APP_PORTS: '8080,8443',
      APPMESH_EGRESS_IGNORED_PORTS: '22,5432',
      APPMESH_EGRESS_IGNORED_IP: '169.254.169.254,10.0.0.1',
      APPMESH_ENABLE_IPV6: '0',
    });
    const envoy = envOf(r.ops, 'envoy');
    expect(envoy.env).toMatchObject({ DD_ENV: 'qa1', ENV2: 'test', TEAM: 'colors' });
    expect(envoy.c?.resources).toEqual({
      requests: { cpu: '50m', memory: '32Mi' },
      limits: { memory: '128Mi' },
    });
  });

  test('App Mesh CNI: annotations instead of the init container, the pod’s own annotations win', () => {
    const r = review(
      withAnnotations(redPod, { 'appmesh.k8s.aws/appmeshCNI': 'enabled', 'appmesh.k8s.aws/ports': '9999' }),
    );
    expect(r.ops!.some((o) => o.path.startsWith('/spec/initContainers'))).toBe(false);
    const added = Object.fromEntries(
      r.ops!.filter((o) => o.path.startsWith('/metadata/annotations/')).map((o) => [o.path, o.value]),
    );
    expect(added).toMatchObject({
      '/metadata/annotations/appmesh.k8s.aws~1proxyIngressPort': '15000',
      '/metadata/annotations/appmesh.k8s.aws~1ignoredUID': '1337',
    });
    expect(added['/metadata/annotations/appmesh.k8s.aws~1ports']).toBeUndefined();
  });

  test('legacy annotations name the virtual node outright', () => {
    const pod = withAnnotations(
      redPod,
      { 'appmesh.k8s.aws/mesh': 'mesh-name', 'appmesh.k8s.aws/virtualNode': 'green' },
      { app: 'x' },
    );
    expect(envOf(review(pod).ops, 'envoy').env.APPMESH_RESOURCE_ARN).toBe(
      'mesh/mesh-name/virtualNode/green_app-namespace',
    );
    const bad = review(withAnnotations(redPod, { 'appmesh.k8s.aws/virtualNode': 'nope' }));
    expect(bad).toMatchObject({ allowed: false });
    expect(bad.status?.message).toMatch(
      /^plexus: appmesh.k8s.aws\/virtualNode: 'nope' is not a virtual node/,
    );
  });

  test('enabled with no matching virtual node is refused, saying why; unspecified is left alone', () => {
    const stray = withAnnotations(redPod, {}, { app: 'stray' });
    const refused = review(stray);
    expect(refused.allowed).toBe(false);
    expect(refused.status?.message).toMatch(
      /sidecar injection is enabled but no VirtualNode or VirtualGateway podSelector/,
    );
    expect(review(stray, { ns: 'disabled' })).toMatchObject({ allowed: true, ops: undefined });
    expect(
      review(withAnnotations(stray, { 'appmesh.k8s.aws/sidecarInjectorWebhook': 'disabled' })),
    ).toMatchObject({ allowed: true });
  });

  test('in a disabled namespace only pods that ask for it are injected', () => {
    expect(review(redPod, { ns: 'disabled' }).ops).toBeUndefined();
    const asked = withAnnotations(redPod, { 'appmesh.k8s.aws/sidecarInjectorWebhook': 'enabled' });
    expect(review(asked, { ns: 'disabled' }).ops?.length).toBe(2);
  });

  test('two virtual nodes selecting the pod: refused with both names', () => {
    const twice = new MeshIndex([...m.index.members, { ...m.index.members[0]!, name: 'red-copy' }], 'r');
    expect(review(redPod, { index: twice }).status?.message).toMatch(/red_app-namespace.*red-copy/);
  });

  test('no mesh specs yet: admitted unchanged with a warning (never blocks pod creation)', () => {
    expect(review(redPod, { index: null })).toMatchObject({
      allowed: true,
      ops: undefined,
      warnings: [expect.stringMatching(/not injected/)],
    });
  });

  test('a pod that already has its sidecar, other kinds and updates pass unchanged', () => {
    const injected: Pod = {
      ...redPod,
      spec: {
        ...redPod.spec,
        initContainers: [{ name: 'proxyinit' }],
        containers: [...redPod.spec.containers, { name: 'envoy' }],
      },
    };
    expect(review(injected)).toMatchObject({ allowed: true, ops: undefined });
    const upd = admissionReview(redPod, 'app-namespace', 'u2');
    upd.request!.operation = 'UPDATE';
    expect(reviewPod(upd, { index: m.index, config, namespaceDefault: 'enabled' }).response).toEqual({
      uid: 'u2',
      allowed: true,
    });
  });

  test('malformed annotations and bodies are refused with the reason', () => {
    expect(
      review(withAnnotations(redPod, { 'appmesh.k8s.aws/secretMounts': 'no-path' })).status?.message,
    ).toMatch(/malformed annotation appmesh.k8s.aws\/secretMounts: 'no-path', expected secretName:mountPath/);
    expect(() =>
      reviewPod({ kind: 'AdmissionReview' }, { index: m.index, config, namespaceDefault: undefined }),
    ).toThrow(BadReview);
  });
});

describe('webhook server (HTTPS, TLS from files)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-inject-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  const makeCert = (cn: string) =>
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${cn}`,
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );

  function post(
    port: number,
    path: string,
    body: string,
  ): Promise<{ status: number; body: string; cn: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path, method: 'POST', rejectUnauthorized: false, agent: false },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => {
            const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
            resolve({ status: res.statusCode ?? 0, body: text, cn: String(peer.subject?.CN) });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  test('mutates over HTTPS, is ready once specs load, refuses a bad body, reloads a rotated certificate', async () => {
    makeCert('first');
    let index: MeshIndex | undefined;
    const s = await startWebhookServer({
      certFile: cert,
      keyFile: key,
      host: '127.0.0.1',
      port: 0,
      context: () => ({ index, config }),
      reloadIntervalMs: 100,
    });
    try {
      const body = JSON.stringify(admissionReview(redPod, 'app-namespace', 'h1'));
      const early = await post(s.port, '/mutate?namespace=enabled', body);
      expect((JSON.parse(early.body) as AdmissionReview).response).toMatchObject({
        allowed: true,
        warnings: [expect.any(String)],
      });
      index = m.index;
      const res = await post(s.port, '/mutate?namespace=enabled', body);
      expect(res.status).toBe(200);
      expect((JSON.parse(res.body) as AdmissionReview).response).toMatchObject({
        uid: 'h1',
        allowed: true,
        patchType: 'JSONPatch',
      });
      expect((await post(s.port, '/mutate', '{not json')).status).toBe(400);
      expect(res.cn).toBe('first');
      await new Promise((r) => setTimeout(r, 20));
      makeCert('second');
      writeFileSync(join(dir, 'touch'), '');
      let cn = '';
      for (let i = 0; i < 50 && cn !== 'second'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        cn = (await post(s.port, '/mutate', body)).cn;
      }
      expect(cn).toBe('second');
    } finally {
      await s.close();
    }
  });
});
