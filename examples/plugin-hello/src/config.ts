import { type ConfigIssue, expectKnownFields, expectObject, expectString } from '@plexus/plugin-api';

/** `spec.serviceDiscovery.hello`: a JSON file listing the node's endpoints. */
export interface HelloConfig {
  /** Absolute, or relative to `settings.plugins.hello.dir` (default: the daemon's working directory). */
  file: string;
}

export function validateHelloConfig(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const c = expectObject(config, '', issues);
  if (!c) return issues;
  expectKnownFields(c, ['file'], '', issues);
  const file = expectString(c, 'file', '', issues, { required: true });
  if (file !== undefined && !file.endsWith('.json'))
    issues.push({ path: 'file', message: 'expected a .json file' });
  return issues;
}
