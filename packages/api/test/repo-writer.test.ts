import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSpecLoader, formatDiagnostic } from '@plexus/spec';
import { commitAll, git, initRepo } from '@plexus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors.ts';
import { updatePlan } from '../src/write/plans.ts';
import { type Plan, RepoWriter } from '../src/write/repo-writer.ts';

let dir: string;
const loader = createSpecLoader();
const author = { name: 'Writer', email: 'w@example.com' };

const FILE = `apiVersion: plexus/v1
kind: Mesh
metadata:
  name: m
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: a, mesh: m }
spec:
  listeners:
    - portMapping: { port: 8080, protocol: http } # the port
  serviceDiscovery:
    dns: { hostname: a.m.local }
`;

function writer(maxAttempts = 5) {
  return new RepoWriter({
    repo: { gitdir: join(dir, '.git'), ref: 'refs/heads/main', subdir: '', worktree: dir },
    validate: (files) => loader.loadAndValidate(files),
    formatDiagnostic,
    waitApplied: async () => 'applied',
    maxAttempts,
  });
}

const spec = (port: number) => ({
  listeners: [{ portMapping: { port, protocol: 'http' } }],
  serviceDiscovery: { dns: { hostname: 'a.m.local' } },
});
const key = { kind: 'VirtualNode' as const, mesh: 'm', name: 'a' };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-repo-writer-'));
  initRepo(dir);
  writeFileSync(join(dir, 'mesh.yaml'), FILE);
  commitAll(dir, 'mesh');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RepoWriter', () => {
  it('a commit pushed while the write was computed is kept: the write is redone on the new head', async () => {
    let runs = 0;
    const inner = updatePlan(key, spec(9090));
    const plan: Plan = (head) => {
      if (++runs === 1) {
        // someone else commits between our read of the head and our compare-and-swap
        writeFileSync(
          join(dir, 'other.yaml'),
          'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: other }\n',
        );
        commitAll(dir, 'concurrent push');
      }
      return inner(head);
    };
    const out = await writer().write(plan, author);
    expect(runs).toBe(2);
    expect(git(dir, ['log', '--format=%s'])).toBe('UpdateVirtualNode VirtualNode m/a\nconcurrent push\nmesh');
    expect(git(dir, ['show', `${out.commit}:other.yaml`])).toContain('name: other');
    expect(git(dir, ['show', `${out.commit}:mesh.yaml`])).toContain(
      '- portMapping: { port: 9090, protocol: http } # the port',
    );
  });

  it('answers ConflictException when the head keeps moving', async () => {
    let n = 0;
    const inner = updatePlan(key, spec(9091));
    const plan: Plan = (head) => {
      writeFileSync(join(dir, `x${++n}.txt`), 'x');
      commitAll(dir, `push ${n}`);
      return inner(head);
    };
    const err = await writer(2)
      .write(plan, author)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('ConflictException');
    expect(git(dir, ['log', '-1', '--format=%s'])).toBe('push 2');
  });
});
