/**
 * Issue 13, rotation under traffic: leaves that live 20 s (renewed every 10 s) swapped in the Envoys with no
 * failed request and no failed handshake, a new CA brought in beside the old one the same way, and a daemon
 * restart that keeps signing with the same CA from its state dir.
 */
import { X509Certificate } from 'node:crypto';
import { waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaMesh, nodeKey, startCaMesh } from './ca-mesh.ts';
import { heldCertificates, listenerHandshakes, tlsFailures } from './envoy-certs.ts';
import { startTraffic, type Traffic, trafficSummary } from './traffic.ts';

const LEAF_LIFETIME_MS = 20_000;
const CARRIERS = ['web', 'rpc', 'client'] as const;

describe('mesh CA rotation under traffic', () => {
  let mesh: CaMesh;

  /** The serial each carrying Envoy presents now. */
  const presented = async () =>
    Object.fromEntries(
      await Promise.all(
        CARRIERS.map(async (n) => {
          const issued = mesh.daemon.meshCertificates!.current(nodeKey(n))?.serial;
          const held = await heldCertificates(mesh.envoys[n]);
          // The leaf Envoy holds, once it is the one the daemon issued last (undefined in between).
          return [n, held.leaves.find((l) => l.serial === issued)?.serial];
        }),
      ),
    ) as Record<(typeof CARRIERS)[number], string | undefined>;

  /** No request failed; connect timeouts of a loaded machine stay rare; not one TLS handshake or check failed. */
  const flowed = async (t: Traffic) => {
    console.log(trafficSummary(t));
    expect(t.failures).toEqual([]);
    expect(t.connectTimeouts.length, t.connectTimeouts.join('\n')).toBeLessThanOrEqual(Math.ceil(t.ok / 50));
    await noTlsFailures();
  };

  const noTlsFailures = async () => {
    for (const n of CARRIERS) expect(await tlsFailures(mesh.envoys[n]), n).toEqual({});
  };

  beforeAll(async () => {
    mesh = await startCaMesh({ leafLifetimeMs: LEAF_LIFETIME_MS, bundleLeadMs: 3000 });
  });

  afterAll(async () => {
    await mesh?.stop();
  });

  it('renews every leaf twice while HTTP and gRPC keep flowing: zero failed requests, new serials in /certs', async () => {
    const first = await presented();
    const seen: Record<string, Set<string>> = Object.fromEntries(CARRIERS.map((n) => [n, new Set<string>()]));
    const handshakesBefore = await listenerHandshakes(mesh.envoys.web);
    const traffic = startTraffic(mesh);
    await waitFor(
      async () => {
        const now = await presented();
        for (const n of CARRIERS) if (now[n]) seen[n]!.add(now[n]!);
        return CARRIERS.every((n) => seen[n]!.size >= 3);
      },
      { timeoutMs: 90_000, intervalMs: 200, what: 'two renewals of every leaf, each held by its Envoy' },
    );
    await traffic.stop();
    await flowed(traffic);
    expect(traffic.ok).toBeGreaterThan(20);
    for (const n of CARRIERS) expect(seen[n]!.has(first[n]!), n).toBe(true);
    // New handshakes kept happening (idle connections close between rounds), none of them failed.
    expect(await listenerHandshakes(mesh.envoys.web)).toBeGreaterThan(handshakesBefore + 10);
  });

  it('rotates the CA with the old one kept in the bundle until its leaves are gone: zero failed requests', async () => {
    const ca = mesh.generatedCa();
    const oldSerial = ca.serial();
    const traffic = startTraffic(mesh);
    await ca.rotate(LEAF_LIFETIME_MS);
    const newCa = new X509Certificate(ca.trustBundle()[0]!);
    expect(ca.serial()).not.toBe(oldSerial);

    // Every Envoy trusts both, then presents a leaf of the new CA.
    const trustedBoth = new Set<string>();
    await waitFor(
      async () => {
        for (const n of CARRIERS) {
          const held = await heldCertificates(mesh.envoys[n]);
          if (held.caSerials.includes(oldSerial) && held.caSerials.includes(ca.serial())) trustedBoth.add(n);
          const issued = mesh.daemon.meshCertificates!.current(nodeKey(n))!;
          const leaf = new X509Certificate(issued.certificateChain);
          if (!leaf.checkIssued(newCa) || !held.leaves.some((l) => l.serial === issued.serial)) return false;
        }
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'every Envoy presenting a leaf of the new CA' },
    );
    expect([...trustedBoth].sort()).toEqual([...CARRIERS].sort());
    // The old CA leaves the bundle once its last leaf has expired.
    await waitFor(
      async () => {
        for (const n of CARRIERS) {
          const held = await heldCertificates(mesh.envoys[n]);
          if (held.caSerials.includes(oldSerial) || !held.caSerials.includes(ca.serial())) return false;
        }
        return true;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: 'the old CA gone from every bundle' },
    );
    await traffic.stop();
    await flowed(traffic);
    expect(traffic.ok).toBeGreaterThan(20);
  });

  it('a restarted daemon signs with the same CA from its state dir, and traffic never stops', async () => {
    const caSerial = mesh.generatedCa().serial();
    const before = await presented();
    const traffic = startTraffic(mesh);
    await mesh.restartDaemon();
    expect(mesh.generatedCa().serial()).toBe(caSerial);
    await waitFor(
      async () => {
        const now = await presented();
        return CARRIERS.every((n) => now[n] && now[n] !== before[n]);
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'leaves from the restarted daemon in every Envoy' },
    );
    // Traffic goes on through new handshakes with the restarted daemon's leaves.
    const okAtSwap = traffic.ok;
    await waitFor(() => traffic.ok >= okAtSwap + 20, { timeoutMs: 60_000, what: '20 more answers' });
    const caCert = new X509Certificate(mesh.generatedCa().trustBundle()[0]!);
    for (const n of CARRIERS) {
      const issued = mesh.daemon.meshCertificates!.current(nodeKey(n))!;
      expect(new X509Certificate(issued.certificateChain).checkIssued(caCert), n).toBe(true);
    }
    await traffic.stop();
    await flowed(traffic);
  });
});
