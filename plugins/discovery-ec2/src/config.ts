import {
  type ConfigIssue,
  expectEnum,
  expectKnownFields,
  expectObject,
  expectPort,
  expectStringMap,
  isRecord,
  joinPath,
} from '@plexus/plugin-api';

export const EC2_ADDRESS_TYPES = ['private', 'public', 'ipv6'] as const;

/**
 * `spec.serviceDiscovery.ec2`: running EC2 instances selected by tags and/or DescribeInstances filters
 * (at least one of the two).
 */
export interface Ec2Config {
  /** Every tag must be present with this value (`'*'`: present with any value). */
  tags?: Record<string, string>;
  /** Raw DescribeInstances filters, e.g. `{ name: 'instance-type', values: ['t3.micro'] }`. */
  filters?: Array<{ name: string; values: string[] }>;
  /** Endpoint port; default the node's first listener port. */
  port?: number;
  /** Which address to use: `private` (default, PrivateIpAddress), `public` (PublicIpAddress), `ipv6`. */
  addressType?: (typeof EC2_ADDRESS_TYPES)[number];
}

export function validateEc2Config(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const obj = expectObject(config, '', issues);
  if (!obj) return issues;
  expectKnownFields(obj, ['tags', 'filters', 'port', 'addressType'], '', issues);
  const tags = expectStringMap(obj, 'tags', '', issues);
  expectPort(obj, 'port', '', issues);
  expectEnum(obj, 'addressType', EC2_ADDRESS_TYPES, '', issues);
  if (obj.filters !== undefined) {
    if (!Array.isArray(obj.filters))
      issues.push({ path: 'filters', message: 'expected a list of {name, values}' });
    else
      obj.filters.forEach((f, i) => {
        const p = joinPath('filters', i);
        if (!isRecord(f)) {
          issues.push({ path: p, message: 'expected an object {name, values}' });
          return;
        }
        expectKnownFields(f, ['name', 'values'], p, issues);
        if (typeof f.name !== 'string' || f.name === '')
          issues.push({ path: joinPath(p, 'name'), message: 'required' });
        if (
          !Array.isArray(f.values) ||
          f.values.length === 0 ||
          f.values.some((v) => typeof v !== 'string')
        ) {
          issues.push({ path: joinPath(p, 'values'), message: 'expected a non-empty list of strings' });
        }
      });
  }
  const hasFilters = Array.isArray(obj.filters) && obj.filters.length > 0;
  if (!hasFilters && (!tags || Object.keys(tags).length === 0)) {
    issues.push({
      path: '',
      message: 'set tags or filters (at least one), or every instance in the account would match',
    });
  }
  return issues;
}
