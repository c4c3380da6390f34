import type { Authenticator, Caller, Principal } from '../types.ts';

export interface DiscoveryBoundOptions {
  /** Meshes whose proxies may be identified by their address (off for every other mesh). */
  meshes: string[];
  /** The addresses discovery attributes to a virtual node right now (ECS/Fargate ENI, EKS pod, EC2 instance). */
  addressesOf(mesh: string, virtualNode: string): string[];
  /** Audit: the SigV4 access key id and x-amz-date the App Mesh agent signed the stream with. */
  onSigV4?: (e: { accessKeyId: string; amzDate?: string; peer: string; node: string }) => void;
}

const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\//;

/** `mesh/<m>/virtualNode/<n>` → [m, n]; gateways have no discovered endpoints. */
function virtualNodeOf(proxyKey: string): [string, string] | undefined {
  const m = /^mesh\/([^/]+)\/virtualNode\/([^/]+)$/.exec(proxyKey);
  return m ? [m[1], m[2]] : undefined;
}

/**
 * The unmodified App Mesh sidecar: its SigV4 signature cannot be checked without AWS, so its identity is its
 * address. A stream is the node it names only when its peer address is an endpoint a discovery plugin
 * attributes to that node; the daemon re-checks live streams when endpoints change. This trusts the network's
 * source addresses (no spoofing inside the VPC): enable it per mesh, knowingly.
 */
export class DiscoveryBoundAuthenticator implements Authenticator {
  readonly method = 'discovery';
  private readonly o: DiscoveryBoundOptions;
  constructor(o: DiscoveryBoundOptions) {
    this.o = o;
  }

  authenticate(caller: Caller): Principal | { refusal: string } | undefined {
    const vn = virtualNodeOf(caller.proxyKey);
    if (!vn || !this.o.meshes.includes(vn[0])) return undefined;
    const auth = caller.metadata.authorization ?? '';
    // a bearer token is another method's credential; SigV4 (or nothing) is the App Mesh agent's shape
    if (caller.bearer) return undefined;
    const sig = SIGV4.exec(auth);
    if (sig) {
      this.o.onSigV4?.({
        accessKeyId: sig[1],
        amzDate: caller.metadata['x-amz-date'],
        peer: caller.peer,
        node: caller.proxyKey,
      });
    }
    const peer = caller.peerAddress;
    if (!peer)
      return { refusal: `discovery: the connection has no peer address to match ${caller.proxyKey}` };
    const addresses = this.o.addressesOf(vn[0], vn[1]);
    if (!addresses.includes(peer)) {
      return {
        refusal: `discovery: peer ${peer} is not an endpoint of ${caller.proxyKey} (discovery knows ${addresses.join(', ') || 'none'})`,
      };
    }
    return { method: this.method, subject: `peer ${peer}`, nodes: [caller.proxyKey] };
  }

  /** Why a live discovery-bound stream no longer holds, or undefined. */
  recheck(proxyKey: string, peerAddress: string | undefined): string | undefined {
    const vn = virtualNodeOf(proxyKey);
    if (!vn || !peerAddress) return undefined;
    if (this.o.addressesOf(vn[0], vn[1]).includes(peerAddress)) return undefined;
    return `discovery: peer ${peerAddress} is no longer an endpoint of ${proxyKey}`;
  }
}
