/**
 * vitest global setup of `npm test` and `npm run test:corpus`: the test peers that are not npm packages (Envoy
 * moto, cfn-lint and hadolint in ./.venv, the system tools of the network-namespace and console suites, helm)
 * are installed when missing, by the
 * same scripts .ci/run uses. When they are all there it only looks, so a second run costs nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../paths.ts';

const run = promisify(execFile);

const PYTHON_PEERS = ['.venv/bin/envoy', '.venv/bin/moto_server', '.venv/bin/cfn-lint', '.venv/bin/hadolint'];
/** Built from the Go module proxy once (minutes cold), then cached. */
const HELM = '.cache/tools/bin/helm';
const SYSTEM_TOOLS = ['ip', 'iptables'];

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, tool)));
}

async function script(name: string, why: string): Promise<void> {
  process.stderr.write(`test setup: ${why}; running scripts/${name}\n`);
  try {
    await run('bash', [join(repoRoot, 'scripts', name)], { cwd: repoRoot, maxBuffer: 16 << 20 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`scripts/${name} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

export default async function setup(): Promise<void> {
  const missing = PYTHON_PEERS.filter((p) => !existsSync(join(repoRoot, p)));
  if (missing.length > 0 && !process.env.PLEXUS_ENVOY) {
    await script('setup-python.sh', `${missing.join(', ')} missing`);
  }
  const tools = SYSTEM_TOOLS.filter((t) => !onPath(t));
  if (!existsSync('/usr/lib/git-core/git-http-backend')) tools.push('git-http-backend');
  if (!existsSync('/usr/bin/chromium')) tools.push('chromium');
  if (tools.length > 0) await script('setup-system.sh', `${tools.join(', ')} missing`);
  if (!existsSync(join(repoRoot, HELM))) await script('setup-helm.sh', `${HELM} missing`);
}
