/**
 * A remote repository as a forge would host it: a bare repo served by the real `git http-backend` on 127.0.0.1
 * (token required), and a separate work clone that commits and pushes with the git CLI over HTTP.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitAll, git, gitAsync } from '@plexus/testkit';
import {
  type GitHttpServer,
  startGitHttpServer,
} from '../../packages/source/test/helpers/git-http-server.ts';

const EXAMPLE_MESH = join(import.meta.dirname, '../../examples/colorapp/mesh');
export const ROUTE_FILE = 'mesh/colorteller.yaml';
export const COLORS = ['red', 'blue', 'green'] as const;
export type Weights = Record<(typeof COLORS)[number], number>;

export interface RemoteRepo {
  /** What the daemon is given: http://127.0.0.1:PORT/colorapp.git (no credentials in it). */
  url: string;
  server: GitHttpServer;
  clone: WorkClone;
  stop(): Promise<void>;
}

/** Creates `<root>/colorapp.git`, serves it with `token` required, and clones it into `<root>/work`. */
export async function startRemoteRepo(root: string, token: string): Promise<RemoteRepo> {
  const served = join(root, 'served');
  mkdirSync(served, { recursive: true });
  git(served, ['init', '-q', '--bare', '-b', 'main', 'colorapp.git']);
  const server = await startGitHttpServer(served, token);
  const url = server.url('colorapp.git');
  const work = join(root, 'work');
  // the git HTTP server runs in this process: commands that talk to it must not block (gitAsync).
  // The work clone authenticates like a CI job would: a header, never a URL with credentials
  await gitAsync(root, ['-c', `http.extraHeader=Authorization: Bearer ${token}`, 'clone', '-q', url, work]);
  git(work, ['config', 'http.extraHeader', `Authorization: Bearer ${token}`]);
  git(work, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  return { url, server, clone: new WorkClone(work), stop: () => server.stop() };
}

/** The colorteller spec of examples/colorapp with the route's weights (red, blue, green in file order). */
export function colortellerYaml(weights: Weights): string {
  let i = 0;
  return readFileSync(join(EXAMPLE_MESH, 'colorteller.yaml'), 'utf8').replace(
    /weight: \d+/g,
    () => `weight: ${weights[COLORS[i++]!]}`,
  );
}

export class WorkClone {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  git(...args: string[]): string {
    return git(this.dir, args);
  }

  /** Copies examples/colorapp/mesh into the clone with the given weights. */
  writeMesh(weights: Weights): void {
    cpSync(EXAMPLE_MESH, join(this.dir, 'mesh'), { recursive: true });
    this.setWeights(weights);
  }

  setWeights(weights: Weights): void {
    writeFileSync(join(this.dir, ROUTE_FILE), colortellerYaml(weights));
  }

  /** 1-based line of the first line of the route file containing `text`. */
  lineOf(text: string): number {
    const lines = readFileSync(join(this.dir, ROUTE_FILE), 'utf8').split('\n');
    return lines.findIndex((l) => l.includes(text)) + 1;
  }

  commit(message: string): string {
    return commitAll(this.dir, message);
  }

  async push(force = false): Promise<void> {
    await gitAsync(this.dir, ['push', '-q', ...(force ? ['--force'] : []), 'origin', 'main']);
  }

  /** The SHA the remote's main points at, as the server lists it. */
  async remoteHead(): Promise<string> {
    return (await gitAsync(this.dir, ['ls-remote', 'origin', 'refs/heads/main'])).split(/\s/)[0] ?? '';
  }

  /** Commits the weights and pushes; returns the pushed SHA. */
  async commitAndPush(weights: Weights, message: string): Promise<string> {
    this.setWeights(weights);
    const sha = this.commit(message);
    await this.push();
    return sha;
  }
}
