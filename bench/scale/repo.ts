import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { commitAll, git, initRepo } from '@plexus/testkit';
import { type GeneratedMesh, generateMesh, type MeshShape } from '../gen/mesh.ts';

/** A generated mesh committed to a real git repository (git CLI) in a temp dir. */
export interface MeshRepo {
  dir: string;
  mesh: GeneratedMesh;
  /** Node name → the virtual services it names as backends. */
  backends: Map<string, string[]>;
  /**
   * Rewrites a file through `edit` and commits it; returns when the commit landed: the moment git moved the
   * branch ref (its file's mtime), which is when any reader of the repository can first see the commit.
   */
  commitEdit(path: string, edit: (content: string) => string, message: string): number;
  /** Commit SHA → when `git commit` started and when it moved the branch ref, for every commitEdit. */
  commits: Map<string, CommitTimes>;
  remove(): void;
}

export interface CommitTimes {
  /** Just before `git commit` ran (it hashes the index and writes the tree and commit objects first). */
  startedAt: number;
  /** The branch ref's mtime after the commit: when the commit became visible. */
  landedAt: number;
}

export function createMeshRepo(shape: MeshShape): MeshRepo {
  const mesh = generateMesh(shape, 'yaml');
  const dir = mkdtempSync(join(tmpdir(), 'plexus-scale-'));
  initRepo(dir);
  const backends = new Map<string, string[]>();
  for (const f of mesh.files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
    const node = f.path.match(/^nodes\/(.+)\.yaml$/)?.[1];
    if (node)
      backends.set(
        node,
        [...f.content.matchAll(/virtualServiceName: (\S+)/g)].map((m) => m[1]),
      );
  }
  commitAll(dir, 'generated mesh');
  const commits = new Map<string, CommitTimes>();
  const refFile = join(dir, '.git', git(dir, ['symbolic-ref', 'HEAD']));
  return {
    dir,
    mesh,
    backends,
    commits,
    commitEdit(path, edit, message) {
      const p = join(dir, path);
      const before = readFileSync(p, 'utf8');
      const after = edit(before);
      if (after === before) throw new Error(`commitEdit: ${path} unchanged`);
      writeFileSync(p, after);
      git(dir, ['add', path]);
      const startedAt = Date.now();
      git(dir, ['commit', '-q', '-m', message]);
      // the kernel's coarse file clock can only put this a tick early, which makes latencies look longer
      const landedAt = Math.floor(statSync(refFile).mtimeMs);
      commits.set(git(dir, ['rev-parse', 'HEAD']), { startedAt, landedAt });
      return landedAt;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Changes the weights of the first route of a service file (80/20 → 70/30 or back). */
export function flipFirstRouteWeights(content: string): string {
  if (content.includes('weight: 70'))
    return content.replace('weight: 70', 'weight: 80').replace('weight: 30', 'weight: 20');
  return content.replace('weight: 80', 'weight: 70').replace('weight: 20', 'weight: 30');
}
