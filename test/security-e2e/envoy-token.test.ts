import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueNodeToken, NodeTokenAuthenticator, NodeTokenKeys } from '@plexus/security';
import { waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../xds-e2e/helpers.ts';
import { type EnvoyUnderTest, startEnvoy } from './envoy.ts';
import { startTlsXds, type TlsXds } from './tls-fixture.ts';

describe.each(['sotw', 'delta'] as const)('real Envoy with node tokens over TLS (%s)', (variant) => {
  const nodeA = `mesh/m/virtualNode/tok-a-${variant}`;
  const nodeB = `mesh/m/virtualNode/tok-b-${variant}`;
  let t: TlsXds;
  let keys: NodeTokenKeys;
  let dir: string;
  const envoys: EnvoyUnderTest[] = [];

  const tokenFile = async (name: string, node: string, ttlMs?: number, trailer = '') => {
    const file = join(dir, name);
    writeFileSync(file, (await issueNodeToken(keys, { node, ttlMs })).token + trailer);
    return file;
  };
  const envoy = async (node: string, o: { tokenFile?: string; token?: string }) => {
    const e = await startEnvoy({
      node,
      xdsAddress: `127.0.0.1:${t.port}`,
      delta: variant === 'delta',
      xdsCaFile: t.ca.certFile,
      ...o,
    });
    envoys.push(e);
    return e;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plexus-tokens-'));
    keys = new NodeTokenKeys(dir);
    await keys.ensure();
    t = await startTlsXds([new NodeTokenAuthenticator(keys)]);
    t.serve(nodeA);
    t.serve(nodeB);
  });

  afterAll(async () => {
    for (const e of envoys) await e.proc.stop();
    await t?.close();
  });

  it('a token file (read by the Lua filter on xds_cluster) gets the config and carries traffic, even with a trailing newline', async () => {
    // `echo "$TOKEN" > file` writes one; the filter sends the token without it
    const e = await envoy(nodeA, { tokenFile: await tokenFile('a.jwt', nodeA, undefined, '\n') });
    await waitFor(async () => (await get(t.listenPort)).status === 200, {
      timeoutMs: 30_000,
      what: 'traffic',
    });
    expect(t.xds.status().find((s) => s.proxyKey === nodeA)?.identity).toMatchObject({ method: 'token' });
    expect(await e.stat('control_plane.connected_state')).toBe(1);
    await e.proc.stop();
  });

  it('an embedded token (Envoy gRPC, the credential injector on xds_cluster) works too', async () => {
    const e = await envoy(nodeA, { token: (await issueNodeToken(keys, { node: nodeA })).token });
    await waitFor(async () => (await e.stat('control_plane.connected_state')) === 1, { what: 'connected' });
    await waitFor(async () => (await e.stat('cluster_manager.cds.update_success')) > 0, {
      what: 'CDS applied',
    });
    const mine = t.xds.status().filter((s) => s.proxyKey === nodeA && s.connected);
    expect(mine.map((s) => s.identity?.method)).toEqual(['token']);
    await e.proc.stop();
  });

  it('a token for node a with node.id b: PERMISSION_DENIED, not one resource', async () => {
    const before = t.rejects.length;
    const e = await envoy(nodeB, { tokenFile: await tokenFile('a-for-b.jwt', nodeA) });
    await waitFor(() => t.rejects.length >= before + 2, { timeoutMs: 30_000, what: 'two refusals' });
    const r = t.rejects[before];
    expect(r.code).toBe(7);
    expect(r.reason).toContain(nodeA);
    expect(r.reason).toContain(nodeB);
    expect(await e.stat('cluster_manager.cds.update_success')).toBe(0);
    expect(await e.stat('listener_manager.lds.update_success')).toBe(0);
    await e.proc.stop();
  });

  it('a token that expires ends the stream with UNAUTHENTICATED; a fresh token in the file is picked up, no restart', async () => {
    const file = await tokenFile('short.jwt', nodeA, 3000);
    const before = t.rejects.length;
    const e = await envoy(nodeA, { tokenFile: file });
    await waitFor(async () => (await e.stat('control_plane.connected_state')) === 1, {
      what: 'first connect',
    });
    const pid = e.proc.proc.pid;
    await waitFor(() => t.rejects.slice(before).some((r) => r.code === 16), {
      timeoutMs: 20_000,
      what: 'expiry and a refused reconnect',
    });
    expect(t.rejects.slice(before).find((r) => r.code === 16)?.reason).toMatch(/expired/);
    await waitFor(async () => (await e.stat('control_plane.connected_state')) === 0, {
      what: 'disconnected',
    });
    // the sidecar (or `plexus login aws --refresh`) writes a fresh token atomically
    writeFileSync(`${file}.new`, (await issueNodeToken(keys, { node: nodeA })).token);
    renameSync(`${file}.new`, file);
    await waitFor(async () => (await e.stat('control_plane.connected_state')) === 1, {
      timeoutMs: 45_000,
      what: 'reconnect with the fresh token',
    });
    expect(e.proc.proc.pid).toBe(pid);
    expect(e.proc.proc.exitCode).toBeNull();
    await e.proc.stop();
  });
});
