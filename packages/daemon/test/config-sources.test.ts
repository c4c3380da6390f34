import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConfigFileError, loadDaemonConfig, optionsFromConfig } from '../src/index.ts';

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-config-'));
  const f = join(dir, 'plexus.yaml');
  writeFileSync(f, text);
  return f;
}

describe('config file: sources and ownership', () => {
  it('reads the sources list (paths relative to the file) and labels each ownership rule with its position', () => {
    const f = file(`sources:
  - { name: platform, repo: platform-repo, path: mesh, owner: platform }
  - { name: team-a, repo: "https://git.example.com/a.git", branch: prod, owner: "111122223333", tokenFile: a.token }
ownership:
  meshes:
    - mesh: shop
      owner: platform
      members:
        - owner: "111122223333"
          resources: [{ kind: VirtualNode, name: "web-*" }]
`);
    const o = optionsFromConfig(loadDaemonConfig(f));
    const dir = f.slice(0, -'/plexus.yaml'.length);
    expect(o.sources).toEqual([
      { name: 'platform', repo: join(dir, 'platform-repo'), path: 'mesh', owner: 'platform' },
      {
        name: 'team-a',
        repo: 'https://git.example.com/a.git',
        branch: 'prod',
        owner: '111122223333',
        auth: { tokenEnv: undefined, tokenFile: join(dir, 'a.token') },
      },
    ]);
    expect(o.ownership).toEqual({
      meshes: [
        {
          mesh: 'shop',
          owner: 'platform',
          label: `${f}:6:7 (ownership.meshes[0])`,
          members: [
            {
              owner: '111122223333',
              resources: [{ kind: 'VirtualNode', name: 'web-*' }],
              label: `${f}:9:11 (ownership.meshes[0].members[0])`,
            },
          ],
        },
      ],
    });
  });

  it('names file:line and field of a bad source or rule', () => {
    const f = file(`sources:
  - { name: "team a", repo: x }
  - { name: b, repo: y, branch: main, tag: v1 }
ownership:
  meshes:
    - { mesh: shop, owner: p, members: [{ owner: a, resources: [{ kind: Pod, name: x }] }] }
`);
    let errors: string[] = [];
    try {
      loadDaemonConfig(f);
    } catch (err) {
      errors = (err as ConfigFileError).errors;
    }
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/plexus\.yaml:2:\d+: sources\[0\]\.name: letters, digits/);
    expect(errors[1]).toMatch(/plexus\.yaml:3:\d+: sources\[1\]: give at most one of branch, tag and commit/);
    expect(errors[2]).toMatch(
      /plexus\.yaml:6:\d+: ownership\.meshes\[0\]\.members\[0\]\.resources\[0\]\.kind: /,
    );
  });
});
