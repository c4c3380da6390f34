import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@plexus/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBoundaries } from '../check.ts';

const root = mkdtempSync(join(tmpdir(), 'plexus-boundaries-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'tree-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const messages = (dir: string) => checkBoundaries(dir).map((v) => `${v.file}:${v.line}: ${v.message}`);

describe('package boundary check', () => {
  it('passes on this repository', () => {
    expect(checkBoundaries(repoRoot)).toEqual([]);
  });

  it('refuses I/O in spec, graph and translate, but not its types or pure functions', () => {
    const dir = tree({
      'packages/spec/src/a.ts': [
        "import { readFileSync } from 'node:fs';",
        "import { isIP } from 'node:net';",
        "import type { Socket } from 'node:net';",
        "import { createHash } from 'node:crypto';",
        "import { parse } from 'yaml';",
        "type Fs = typeof import('node:fs');",
      ].join('\n'),
      'packages/graph/src/b.ts': "import { connect } from 'node:net';\nimport git from 'isomorphic-git';",
      'packages/translate/src/c.ts':
        "import type { EndpointSet } from '@plexus/plugin-api';\nimport { lazyWatch } from '@plexus/plugin-api';\nconst m = import('node:child_process');",
    });
    expect(messages(dir)).toEqual([
      'packages/graph/src/b.ts:1: imports node:net: @plexus/graph does no I/O (spec, graph and translate are pure)',
      'packages/graph/src/b.ts:2: imports isomorphic-git: @plexus/graph does no I/O and may use only yaml, js-yaml from npm',
      'packages/spec/src/a.ts:1: imports node:fs: @plexus/spec does no I/O (spec, graph and translate are pure)',
      'packages/translate/src/c.ts:2: imports @plexus/plugin-api at run time: @plexus/translate does no I/O, so only types may come from a package that does (use `import type`)',
      'packages/translate/src/c.ts:3: imports node:child_process: @plexus/translate does no I/O (spec, graph and translate are pure)',
    ]);
  });

  it('lets plugins import only plugin-api and spec, and no package reach into another by path', () => {
    const dir = tree({
      'plugins/discovery-a/src/index.ts':
        "import { x } from '@plexus/discovery-b';\nimport { y } from '@plexus/plugin-api';",
      'plugins/discovery-b/src/index.ts': 'export const x = 1;',
      'plugins/discovery-b/test/b.test.ts':
        "import { h } from '../../discovery-a/test/helper.ts';\nimport { d } from '@plexus/daemon';",
      'examples/plugin-hello/src/index.ts': "import { translateProxy } from '@plexus/translate';",
    });
    expect(messages(dir)).toEqual([
      'examples/plugin-hello/src/index.ts:1: imports @plexus/translate: a plugin imports only @plexus/plugin-api and @plexus/spec; only daemon and cli wire packages together',
      'plugins/discovery-a/src/index.ts:1: imports a plugin: a plugin imports only @plexus/plugin-api and @plexus/spec; only daemon and cli wire packages together',
      'plugins/discovery-b/test/b.test.ts:1: reaches plugins/discovery-a/test/helper.ts by relative path, outside plugins/discovery-b: import the package by name (or move the shared helper to @plexus/testkit)',
    ]);
  });

  it('lets only daemon and cli wire; a new package may use the pipeline packages', () => {
    const dir = tree({
      'packages/xds/src/a.ts': "import { buildGraph } from '@plexus/graph';",
      'packages/daemon/src/a.ts':
        "import { XdsServer } from '@plexus/xds';\nimport { createSource } from '@plexus/source';",
      'packages/telemetry/src/a.ts':
        "import { XdsServer } from '@plexus/xds';\nimport { startDaemon } from '@plexus/daemon';",
    });
    expect(messages(dir)).toEqual([
      'packages/telemetry/src/a.ts:2: imports @plexus/daemon: @plexus/telemetry may import @plexus/spec, @plexus/graph, @plexus/translate, @plexus/xds, @plexus/plugin-api; only daemon and cli wire packages together',
      'packages/xds/src/a.ts:1: imports @plexus/graph: @plexus/xds may import no @plexus package; only daemon and cli wire packages together',
    ]);
  });

  it('fails the lint step: the script exits 1 and names file, line and rule', async () => {
    const dir = tree({ 'packages/spec/src/io.ts': "import { spawn } from 'node:child_process';" });
    const run = promisify(execFile)(process.execPath, [join(repoRoot, 'tools/boundaries/check.ts'), dir]);
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('packages/spec/src/io.ts:1:23: imports node:child_process'),
    });
  });
});
