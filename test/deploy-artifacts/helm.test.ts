// biome-ignore-all lint/suspicious/noExplicitAny: rendered manifests and templates are external schemas, read loosely by path
/**
 * deploy/helm/plexus with the real Helm CLI (built from the Go module proxy by scripts/setup-helm.sh into
 * .cache/tools/bin): `helm lint --strict`, then `helm template` and checks of the rendered manifests; the
 * injector's rendered command line is parsed by the real `plexus inject`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const HELM = join(repoRoot, '.cache/tools/bin/helm');
const CHART = join(repoRoot, 'deploy/helm/plexus');
const VALUES = join(CHART, 'ci/test-values.yaml');
const NS = 'plexus-system';
/** A `go install`ed helm defaults to Kubernetes 1.20 (the release Makefile sets it by ldflags): say which. */
const KUBE = ['--kube-version', '1.33.0'];

type K8sObject = {
  kind: string;
  metadata: { name: string };
  spec?: any;
  rules?: any[];
  webhooks?: any[];
  roleRef?: any;
  subjects?: any[];
};

async function template(...set: string[]): Promise<K8sObject[]> {
  const { stdout } = await run(HELM, [
    'template',
    'plexus',
    CHART,
    ...KUBE,
    '-n',
    NS,
    '-f',
    VALUES,
    ...set.flatMap((s) => ['--set', s]),
  ]);
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => Boolean(o));
}

const find = (objs: K8sObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(`no ${kind} ${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};

describe('deploy/helm/plexus', () => {
  it('helm is built (scripts/setup-helm.sh)', () => {
    expect(existsSync(HELM), `${HELM}: run bash scripts/setup-helm.sh`).toBe(true);
  });

  it('passes helm lint --strict', async () => {
    const { stdout } = await run(HELM, ['lint', '--strict', ...KUBE, CHART, '-f', VALUES]);
    expect(stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('refuses to render without a repository or a CA for the webhook, saying which value', async () => {
    const noRepo = await run(HELM, [
      'template',
      'p',
      CHART,
      ...KUBE,
      '--set',
      'injector.tls.caBundle=x',
    ]).catch((e) => e);
    expect(noRepo.stderr).toMatch(/git.repo is required/);
    const noCa = await run(HELM, [
      'template',
      'p',
      CHART,
      ...KUBE,
      '--set',
      'git.repo=https://g/x.git',
    ]).catch((e) => e);
    expect(noCa.stderr).toMatch(/injector.tls.caBundle or injector.tls.certManagerCertificate is required/);
  });

  it('renders replicas with probes, resources, a PDB, non-root, config and TLS from Secrets', async () => {
    const objs = await template();
    const d = find(objs, 'Deployment', 'plexus');
    expect(d.spec.replicas).toBe(3);
    const pod = d.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const c = pod.containers[0];
    expect(c.args.slice(0, 2)).toEqual(['run', '--repo=https://git.example.com/platform/mesh-specs.git']);
    expect(c.args).toEqual(
      expect.arrayContaining([
        '--xds-tls-cert=/etc/plexus/xds-tls/tls.crt',
        '--state-dir=/var/lib/plexus',
        '--token-file=/etc/plexus/git/token',
        '--discovery-settings=/etc/plexus/discovery/discovery.yaml',
      ]),
    );
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.resources.requests).toEqual({ cpu: '250m', memory: '256Mi' });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    const secrets = pod.volumes
      .filter((v: any) => v.secret)
      .map((v: any) => v.secret.secretName)
      .sort();
    expect(secrets).toEqual(['plexus-discovery', 'plexus-git-token', 'plexus-xds-tls']);
    expect(c.env).toContainEqual({
      name: 'PLEXUS_WEBHOOK_SECRET',
      valueFrom: { secretKeyRef: { name: 'plexus-git-webhook', key: 'secret' } },
    });
    const pdb = find(objs, 'PodDisruptionBudget', 'plexus');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(d.spec.selector.matchLabels);
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
  });

  it('renders the xDS, HTTP and headless replica Services on the pods’ ports', async () => {
    const objs = await template();
    const sel = find(objs, 'Deployment', 'plexus').spec.selector.matchLabels;
    const xds = find(objs, 'Service', 'plexus-xds');
    expect(xds.spec.ports[0]).toMatchObject({ port: 18000, targetPort: 'xds', appProtocol: 'grpc' });
    expect(xds.spec.selector).toEqual(sel);
    expect(find(objs, 'Service', 'plexus-http').spec.ports[0]).toMatchObject({
      port: 9090,
      targetPort: 'http',
    });
    expect(find(objs, 'Service', 'plexus-replicas').spec).toMatchObject({ clusterIP: 'None', selector: sel });
  });

  it('grants only what the EKS plugin and TokenReview need, to the chart’s ServiceAccount', async () => {
    const objs = await template();
    find(objs, 'ServiceAccount', 'plexus');
    expect(find(objs, 'ClusterRole', 'plexus').rules).toEqual([
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    ]);
    const b = find(objs, 'ClusterRoleBinding', 'plexus');
    expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'plexus', namespace: NS }]);
  });

  it('the webhook never blocks pod creation: failurePolicy Ignore, 5 s timeout, one entry per namespace label', async () => {
    const objs = await template();
    const w = find(objs, 'MutatingWebhookConfiguration', 'plexus-inject');
    expect(w.webhooks!.map((x) => x.name)).toEqual([
      'enabled.inject.plexus.local',
      'disabled.inject.plexus.local',
    ]);
    for (const [i, mode] of ['enabled', 'disabled'].entries()) {
      const x = w.webhooks![i];
      expect(x).toMatchObject({
        failurePolicy: 'Ignore',
        timeoutSeconds: 5,
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
      });
      expect(x.clientConfig.service).toEqual({
        name: 'plexus-inject',
        namespace: NS,
        path: `/mutate/${mode}`,
        port: 443,
      });
      expect(Buffer.from(x.clientConfig.caBundle, 'base64').toString()).toMatch(/BEGIN CERTIFICATE/);
      expect(x.namespaceSelector.matchExpressions[0]).toEqual({
        key: 'appmesh.k8s.aws/sidecarInjectorWebhook',
        operator: 'In',
        values: [mode],
      });
      expect(x.rules).toEqual([
        {
          apiGroups: [''],
          apiVersions: ['v1'],
          operations: ['CREATE'],
          resources: ['pods'],
          scope: 'Namespaced',
        },
      ]);
    }
    const svc = find(objs, 'Service', 'plexus-inject');
    expect(svc.spec.ports[0]).toMatchObject({ port: 443, targetPort: 'webhook' });
    const migrating = find(
      await template('injector.requireNamespaceLabel=plexus.local/inject'),
      'MutatingWebhookConfiguration',
      'plexus-inject',
    );
    expect(migrating.webhooks![0].namespaceSelector.matchExpressions[1]).toEqual({
      key: 'plexus.local/inject',
      operator: 'In',
      values: ['true'],
    });
    const failing = await template('injector.failurePolicy=Never').catch((e) => e);
    expect(failing.stderr).toMatch(/failurePolicy must be Ignore or Fail/);
  });

  it('the injector’s rendered command line is accepted by the real plexus inject', async () => {
    const objs = await template();
    const inj = find(objs, 'Deployment', 'plexus-inject').spec.template.spec.containers[0];
    expect(inj.args).toContain('--xds-address=plexus-xds.plexus-system.svc:18000');
    expect(inj.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'webhook', scheme: 'HTTPS' });
    // The files are not there, so it stops at the certificate, after its flags were all accepted (exit 2 = usage).
    const r = await run(
      join(repoRoot, 'node_modules/.bin/node'),
      [join(repoRoot, 'packages/cli/bin/plexus.js'), ...inj.args],
      {
        timeout: 30_000,
      },
    ).catch((e) => e);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/plexus inject: .*ENOENT.*\/etc\/plexus\/inject-tls\/tls\.(crt|key)/);
  });

  it('an optional ServiceMonitor scrapes /metrics', async () => {
    expect((await template()).some((o) => o.kind === 'ServiceMonitor')).toBe(false);
    const sm = find(await template('serviceMonitor.enabled=true'), 'ServiceMonitor', 'plexus');
    expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
  });
});
