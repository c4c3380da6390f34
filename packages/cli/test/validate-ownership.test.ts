import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runMain } from './capture.ts';

const MESH = 'apiVersion: plexus/v1\nkind: Mesh\nmetadata:\n  name: shop\n';
const node = (name: string, extra = '') =>
  `apiVersion: plexus/v1\nkind: VirtualNode\nmetadata:\n  name: ${name}\n  mesh: shop\n${extra}spec:\n  listeners:\n    - portMapping: { port: 8080, protocol: http }\n  serviceDiscovery:\n    dns: { hostname: ${name}.shop.local }\n`;

const CONFIG = (remote = '') => `sources:
  - { name: platform, repo: platform, path: mesh }
  - { name: team-a, repo: team-a, owner: "111122223333" }
${remote}ownership:
  meshes:
    - mesh: shop
      owner: platform
      members:
        - owner: "111122223333"
          resources:
            - { kind: VirtualNode, name: "web*" }
`;

let dir: string;
let config: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-validate-owners-'));
  mkdirSync(join(dir, 'platform/mesh'), { recursive: true });
  writeFileSync(join(dir, 'platform/mesh/mesh.yaml'), MESH);
  mkdirSync(join(dir, 'team-a'));
  writeFileSync(join(dir, 'team-a/web.yaml'), node('web', '  meshOwner: platform\n'));
  config = join(dir, 'plexus.yaml');
  writeFileSync(config, CONFIG());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `file:line:col` of the list item on the config line holding `text` (its first key, past the `- `). */
function at(file: string, text: string): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  return `${file}:${i + 1}:${lines[i]!.indexOf('- ') + 3}`;
}

describe('plexus validate --config (ownership rules)', () => {
  test("the config file's sources load as one mesh under their names and pass the rules", async () => {
    const { code, stdout } = await runMain(['validate', '--config', config]);
    expect(stdout).toBe('valid: 2 resources (1 Mesh, 1 VirtualNode), 0 skipped, 0 errors, 0 warnings');
    expect(code).toBe(0);
  });

  test('a resource its source may not define is an error at its file:line naming the rule; exit 1', async () => {
    const teamB = join(dir, 'team-a-next');
    mkdirSync(teamB);
    writeFileSync(join(teamB, 'web.yaml'), node('web'));
    writeFileSync(join(teamB, 'payments.yaml'), node('payments'));
    const { code, stdout } = await runMain(['validate', '--config', config, '--source', `team-a=${teamB}`]);
    const rule = at(config, '- owner: "111122223333"');
    expect(stdout.split('\n')).toEqual([
      `team-a/payments.yaml:1:1: VirtualNode shop/payments: owner '111122223333' (source team-a) may not define VirtualNode 'payments' in mesh 'shop': rule ${rule} (ownership.meshes[0].members[0]) allows VirtualNode web*`,
      'invalid: 3 resources (1 Mesh, 2 VirtualNode), 0 skipped, 1 error, 0 warnings',
    ]);
    expect(code).toBe(1);
  });

  test('meshOwner that is not the mesh owner of the rules is an error at the field', async () => {
    const other = join(dir, 'team-a-owner');
    mkdirSync(other);
    writeFileSync(join(other, 'web.yaml'), node('web', '  meshOwner: "999999999999"\n'));
    const { code, stdout } = await runMain([
      'validate',
      '--config',
      config,
      '--source',
      `team-a=${other}`,
      '--format',
      'json',
    ]);
    const out = JSON.parse(stdout) as { ok: boolean; diagnostics: Array<Record<string, unknown>> };
    expect(out.ok).toBe(false);
    expect(out.diagnostics).toEqual([
      expect.objectContaining({
        file: 'team-a/web.yaml',
        line: 6,
        col: 3,
        path: 'metadata.meshOwner',
        message: `meshOwner '999999999999' is not the owner of mesh 'shop': rule ${at(config, '- mesh: shop')} (ownership.meshes[0]) makes 'platform' its owner`,
      }),
    ]);
    expect(code).toBe(1);
  });

  test('a remote source must be given as a checkout with --source', async () => {
    const withRemote = join(dir, 'remote.yaml');
    writeFileSync(
      withRemote,
      CONFIG('  - { name: team-c, repo: "https://git.example.com/team-c.git", owner: team-c }\n'),
    );
    const missing = await runMain(['validate', '--config', withRemote]);
    expect(missing.stderr).toContain(
      'plexus validate: source team-c is the remote https://git.example.com/team-c.git: give a checkout of it with --source team-c=DIR',
    );
    expect(missing.code).toBe(2);
    const checkout = join(dir, 'team-c');
    mkdirSync(checkout);
    writeFileSync(join(checkout, 'c.yaml'), node('cart'));
    const given = await runMain(['validate', '--config', withRemote, '--source', `team-c=${checkout}`]);
    expect(given.stdout).toContain(
      "team-c/c.yaml:1:1: VirtualNode shop/cart: owner 'team-c' (source team-c) may not define VirtualNode 'cart': mesh 'shop' is not shared with it",
    );
    expect(given.code).toBe(1);
  });

  test('config file errors name file:line; PATH with --config is a usage error', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'ownership:\n  meshes: []\n');
    const bad = await runMain(['validate', '--config', broken]);
    expect(bad.stderr).toMatch(new RegExp(`^plexus validate: ${broken}:2:\\d+: ownership\\.meshes: `));
    expect(bad.code).toBe(1);
    const usage = await runMain(['validate', '--config', config, join(dir, 'team-a')]);
    expect(usage.stderr).toContain("with --config, the specs are the file's sources");
    expect(usage.code).toBe(2);
  });
});
