import { isIP } from 'node:net';
import {
  type ConfigIssue,
  expectKnownFields,
  expectObject,
  expectPort,
  expectString,
  joinPath,
} from '@plexus/plugin-api';

/** One entry of `spec.serviceDiscovery.static.endpoints`. */
export interface StaticEndpointConfig {
  /** IP literal (v4 or v6). */
  address: string;
  /** Defaults to the node's first listener port. */
  port?: number;
  zone?: string;
}

/** `spec.serviceDiscovery.static`. */
export interface StaticConfig {
  endpoints: StaticEndpointConfig[];
}

export function validateStaticConfig(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const obj = expectObject(config, '', issues);
  if (!obj) return issues;
  expectKnownFields(obj, ['endpoints'], '', issues);
  const eps = obj.endpoints;
  if (!Array.isArray(eps) || eps.length === 0) {
    issues.push({ path: 'endpoints', message: 'expected a non-empty list' });
    return issues;
  }
  eps.forEach((e, i) => {
    const p = joinPath('endpoints', i);
    const ep = expectObject(e, p, issues);
    if (!ep) return;
    expectKnownFields(ep, ['address', 'port', 'zone'], p, issues);
    const address = expectString(ep, 'address', p, issues, { required: true });
    if (address !== undefined && isIP(address) === 0) {
      issues.push({ path: joinPath(p, 'address'), message: 'must be an IP address literal' });
    }
    expectPort(ep, 'port', p, issues);
    expectString(ep, 'zone', p, issues);
  });
  return issues;
}
