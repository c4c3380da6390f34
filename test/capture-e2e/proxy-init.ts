import { iptables, type NetNs } from './netns.ts';

/** The knobs of App Mesh's proxy init (APPMESH_* variables of envoy-networking.sh / the ECS proxyConfiguration). */
export interface ProxyInitOptions {
  /** APPMESH_IGNORE_UID: Envoy's own uid, whose traffic is never redirected. */
  ignoreUid: number;
  /** APPMESH_APP_PORTS: the virtual node's listener ports, redirected to the ingress port. */
  appPorts: number[];
  ingressPort: number;
  egressPort: number;
  /** APPMESH_EGRESS_IGNORED_PORTS (22 is always appended, as App Mesh did). */
  egressIgnoredPorts?: number[];
  /** APPMESH_EGRESS_IGNORED_IP. */
  egressIgnoredIps?: string[];
}

/**
 * Installs App Mesh's interception rules (UG getting-started-ec2.md, envoy-networking.sh) in the namespace's nat
 * table: chains APPMESH_EGRESS and APPMESH_INGRESS, egress TCP → egressPort except Envoy's uid, ignored ports and
 * ignored IPs; ingress app ports → ingressPort.
 */
export async function installProxyInit(ns: NetNs, o: ProxyInitOptions): Promise<void> {
  const nat = (...args: string[]) => iptables(ns, ['-t', 'nat', ...args]);
  await nat('-N', 'APPMESH_INGRESS');
  await nat('-N', 'APPMESH_EGRESS');

  await nat('-A', 'APPMESH_EGRESS', '-m', 'owner', '--uid-owner', String(o.ignoreUid), '-j', 'RETURN');
  const ignoredPorts = [...(o.egressIgnoredPorts ?? []), 22].join(',');
  await nat('-A', 'APPMESH_EGRESS', '-p', 'tcp', '-m', 'multiport', '--dports', ignoredPorts, '-j', 'RETURN');
  for (const ip of o.egressIgnoredIps ?? []) {
    await nat('-A', 'APPMESH_EGRESS', '-p', 'tcp', '-d', ip, '-j', 'RETURN');
  }
  await nat('-A', 'APPMESH_EGRESS', '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', String(o.egressPort));

  const appPorts = o.appPorts.join(',');
  await nat(
    '-A',
    'APPMESH_INGRESS',
    '-p',
    'tcp',
    '-m',
    'multiport',
    '--dports',
    appPorts,
    '-j',
    'REDIRECT',
    '--to-ports',
    String(o.ingressPort),
  );

  // Both hooks exactly as App Mesh installed them. The egress one skips LOCAL destinations: App Mesh's
  // virtual-service names resolved to some remote IP (the UG suggests e.g. 10.10.10.10). On these machines every
  // address must be in 127.0.0.0/8, which a stock namespace treats as LOCAL in full (lo holds 127.0.0.1/8), so the
  // hook would skip our VIPs; the test's namespace narrows lo to 127.0.0.0/16 and routes the VIP range to another
  // "host" (see linkNamespaces), which makes the VIPs remote as App Mesh's were, with the rule unchanged.
  await nat(
    '-A',
    'OUTPUT',
    '-p',
    'tcp',
    '-m',
    'addrtype',
    '!',
    '--dst-type',
    'LOCAL',
    '-j',
    'APPMESH_EGRESS',
  );
  // Ingress: traffic arriving from another host, to an app port.
  await nat(
    '-A',
    'PREROUTING',
    '-p',
    'tcp',
    '-m',
    'addrtype',
    '!',
    '--src-type',
    'LOCAL',
    '-j',
    'APPMESH_INGRESS',
  );
}
