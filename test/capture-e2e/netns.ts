import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Result of a command run inside the namespace; never throws on a non-zero exit. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A network namespace of our own, with `lo` up; `destroy()` removes it and its /etc/netns files. */
export interface NetNs {
  name: string;
  /** argv prefix that runs a command inside the namespace: `ip netns exec <name>`. */
  prefix: string[];
  exec(cmd: string, args: string[], timeoutMs?: number): Promise<ExecResult>;
  /** Writes /etc/netns/<name>/hosts, which `ip netns exec` bind-mounts over /etc/hosts. */
  writeHosts(entries: Record<string, string>): void;
  destroy(): Promise<void>;
}

/**
 * Why this machine cannot run namespace tests, or null when it can. Probes by creating and deleting a
 * namespace, the one thing that needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN) and iproute2.
 */
export async function netnsUnavailableReason(): Promise<string | null> {
  const probe = `plx-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    await run('ip', ['netns', 'add', probe]);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return '`ip` (iproute2) is not installed: run scripts/setup-system.sh as root';
    return `\`ip netns add\` is not permitted here (needs root with CAP_SYS_ADMIN/CAP_NET_ADMIN): ${(e.stderr ?? e.message).trim()}`;
  }
  try {
    await run('ip', ['netns', 'exec', probe, 'iptables', '-t', 'nat', '-S']);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    return `iptables does not work inside a namespace: ${(e.stderr ?? e.message).trim()} (run scripts/setup-system.sh as root)`;
  } finally {
    await run('ip', ['netns', 'del', probe]).catch(() => undefined);
  }
  return null;
}

/**
 * Removes the names of namespaces a killed earlier run left behind (`<prefix>-<pid>-<hex>` whose pid is gone).
 * Only the names and /etc/netns files go; a namespace itself lives on until its last process exits.
 */
export async function removeStaleNetNs(prefixes: string[]): Promise<void> {
  const { stdout } = await run('ip', ['netns', 'list']).catch(() => ({ stdout: '' }));
  for (const line of stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^(.+)-(\d+)-[0-9a-f]{6}$/.exec(name);
    if (!m || !prefixes.includes(m[1] as string) || pidAlive(Number(m[2]))) continue;
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
    rmSync(join('/etc/netns', name), { recursive: true, force: true });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates a uniquely named namespace (prefix + pid + random) and brings its loopback up. */
export async function createNetNs(prefix = 'plx'): Promise<NetNs> {
  const name = `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const etcDir = join('/etc/netns', name);
  await run('ip', ['netns', 'add', name]);
  const ns: NetNs = {
    name,
    prefix: ['ip', 'netns', 'exec', name],
    async exec(cmd, args, timeoutMs = 15_000) {
      try {
        const { stdout, stderr } = await run('ip', ['netns', 'exec', name, cmd, ...args], {
          timeout: timeoutMs,
        });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
        return {
          code: typeof e.code === 'number' ? e.code : -1,
          stdout: e.stdout ?? '',
          stderr: e.stderr ?? e.message,
        };
      }
    },
    writeHosts(entries) {
      mkdirSync(etcDir, { recursive: true });
      const lines = ['127.0.0.1 localhost', ...Object.entries(entries).map(([host, ip]) => `${ip} ${host}`)];
      writeFileSync(join(etcDir, 'hosts'), `${lines.join('\n')}\n`);
    },
    async destroy() {
      await run('ip', ['netns', 'del', name]).catch(() => undefined);
      rmSync(etcDir, { recursive: true, force: true });
    },
  };
  const up = await ns.exec('ip', ['link', 'set', 'lo', 'up']);
  if (up.code !== 0) {
    await ns.destroy();
    throw new Error(`ip link set lo up in ${name}: ${up.stderr}`);
  }
  return ns;
}

async function must(ns: NetNs, cmd: string, args: string[]): Promise<void> {
  const r = await ns.exec(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${ns.name}): ${r.stderr.trim()}`);
}

/**
 * Joins two namespaces with a veth pair (`eth0` in each, never visible outside them) addressed in 127.0.0.0/8, so
 * that one can play "another host" for the other. Loopback addresses on a wire need two things in each namespace:
 * lo must not claim all of 127/8 (its 127.0.0.1/8 is narrowed to /16, or replies to the peer would stay on lo),
 * and route_localnet=1 (else the kernel drops 127/8 packets on non-loopback devices as martians).
 */
export async function linkNamespaces(
  a: NetNs,
  aAddr: string,
  b: NetNs,
  bAddr: string,
  prefixLen = 24,
): Promise<void> {
  await must(a, 'ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', b.name]);
  for (const [ns, addr] of [
    [a, aAddr],
    [b, bAddr],
  ] as const) {
    await must(ns, 'ip', ['addr', 'del', '127.0.0.1/8', 'dev', 'lo']);
    await must(ns, 'ip', ['addr', 'add', '127.0.0.1/16', 'dev', 'lo']);
    await must(ns, 'sysctl', [
      '-qw',
      'net.ipv4.conf.all.route_localnet=1',
      'net.ipv4.conf.eth0.route_localnet=1',
    ]);
    await must(ns, 'ip', ['addr', 'add', `${addr}/${prefixLen}`, 'dev', 'eth0']);
    await must(ns, 'ip', ['link', 'set', 'eth0', 'up']);
  }
}

/**
 * Routes a 127.x range through a gateway on eth0 (possible once lo no longer holds all of 127/8). `src` is
 * required: the kernel will not pick a 127/8 source address for a non-loopback route by itself (it binds 0.0.0.0).
 */
export async function addRoute(ns: NetNs, cidr: string, via: string, src: string): Promise<void> {
  await must(ns, 'ip', ['route', 'add', cidr, 'via', via, 'dev', 'eth0', 'src', src]);
}

/** Runs `iptables <args>` inside the namespace; throws with the rule text when it is refused. */
export async function iptables(ns: NetNs, args: string[]): Promise<void> {
  await must(ns, 'iptables', args);
}
