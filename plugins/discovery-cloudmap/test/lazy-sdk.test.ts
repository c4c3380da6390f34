import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const index = resolve(import.meta.dirname, '../src/index.ts');

// A fresh Node process records every module it resolves: importing the plugin must not pull in the AWS SDK;
// its first watch must.
const probe = `
import { registerHooks } from 'node:module';
const seen = [];
registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.push(r.url); return r; } });
const sdk = () => seen.filter((u) => u.includes('@aws-sdk/client-servicediscovery')).length;
const mod = await import(process.argv[2]);
const atImport = sdk();
const plugin = mod.cloudMapDiscoveryPlugin;
const errors = [];
const ac = new AbortController();
const clock = { now: Date.now, setTimer: (fn, ms) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); } };
const log = { debug() {}, info() {}, warn() {}, error() {} };
const w = plugin.watch(
  { mesh: 'm', virtualNode: 'n', key: 'awsCloudMap', config: { namespaceName: 'a', serviceName: 'b' }, listenerPorts: [] },
  { update() {}, error: (e) => errors.push(e) },
  { logger: log, clock, signal: ac.signal, settings: { aws: { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 } } },
);
for (let i = 0; i < 200 && sdk() === 0; i++) await new Promise((r) => setTimeout(r, 25));
w.dispose();
ac.abort();
console.log(JSON.stringify({ atImport, afterWatch: sdk() }));
`;

describe('cloudmap plugin loads the AWS SDK lazily', () => {
  it('importing the package loads no SDK module; the first watch loads it', async () => {
    const file = join(tmpdir(), `plexus-cloudmap-lazy-${process.pid}.mjs`);
    await writeFile(file, probe);
    const { stdout } = await run(process.execPath, [file, index], { timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      atImport: number;
      afterWatch: number;
    };
    expect(out.atImport).toBe(0);
    expect(out.afterWatch).toBeGreaterThan(0);
  }, 90_000);
});
