import { readFileSync } from 'node:fs';
import { type ApiKey, ApiKeysError, loadApiKeys } from '@plexus/api';
import { sha256Hex } from '@plexus/security';
import type { OwnershipRules } from '@plexus/teams';
import type { DaemonOptions } from '../options.ts';
import { ConfigFileError, configPath, type DaemonConfig } from './load-config.ts';
import type { OwnershipSection } from './sections/index.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `24h`, `7d` (the section's schema checked the form) → milliseconds. */
function durationMs(value: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(value)!;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** The daemon options a config file sets; command-line flags are laid over these by the caller. */
export function optionsFromConfig(config: DaemonConfig): Partial<DaemonOptions> {
  const p = (f: string) => configPath(config, f);
  const o: Partial<DaemonOptions> = {};
  const { xds, identity, admin, api, sources, ownership } = config;
  if (sources) {
    o.sources = sources.map((s) => ({
      name: s.name,
      repo: /^[a-z][a-z0-9+.-]*:\/\//i.test(s.repo) ? s.repo : p(s.repo),
      ...(s.branch ? { branch: s.branch } : {}),
      ...(s.tag ? { tag: s.tag } : {}),
      ...(s.commit ? { commit: s.commit } : {}),
      ...(s.path ? { path: s.path } : {}),
      ...(s.owner ? { owner: s.owner } : {}),
      ...(s.pollInterval ? { pollIntervalMs: s.pollInterval } : {}),
      ...(s.tokenEnv || s.tokenFile
        ? { auth: { tokenEnv: s.tokenEnv, tokenFile: s.tokenFile && p(s.tokenFile) } }
        : {}),
    }));
  }
  if (ownership) o.ownership = ownershipRules(config, ownership);
  const ca = config.ca;
  if (ca) {
    const { leafLifetime, bundleLead, ...rest } = ca;
    o.ca = {
      ...rest,
      leafLifetimeMs: leafLifetime ? durationMs(leafLifetime) : undefined,
      bundleLeadMs: bundleLead ? durationMs(bundleLead) : undefined,
      files: ca.files && {
        certificateChain: p(ca.files.certificateChain),
        privateKey: p(ca.files.privateKey),
        trustBundle: ca.files.trustBundle && p(ca.files.trustBundle),
      },
    };
  }
  if (xds?.listen) o.xdsListen = xds.listen;
  if (xds?.insecure !== undefined) o.xdsInsecure = xds.insecure;
  if (xds?.tls) {
    o.xdsTls = {
      certFile: p(xds.tls.cert),
      keyFile: p(xds.tls.key),
      clientCaFile: xds.tls.clientCa ? p(xds.tls.clientCa) : undefined,
    };
  }
  if (identity?.trustDomain) o.trustDomain = identity.trustDomain;
  if (identity?.required !== undefined) o.identityRequired = identity.required;
  if (identity?.tokens?.enabled !== undefined) o.nodeTokens = identity.tokens.enabled;
  if (identity) {
    o.identity = {
      ...identity,
      kubernetes: identity.kubernetes && {
        ...identity.kubernetes,
        tokenFile: identity.kubernetes.tokenFile && p(identity.kubernetes.tokenFile),
        caFile: identity.kubernetes.caFile && p(identity.kubernetes.caFile),
      },
    };
  }
  if (admin) {
    o.adminTokens = admin.tokens.map((t) => {
      if ('sha256' in t) return { name: t.name, sha256: t.sha256 };
      try {
        return { name: t.name, sha256: sha256Hex(readFileSync(p(t.file), 'utf8')) };
      } catch (err) {
        throw new ConfigFileError([
          `${config.file}: admin.tokens ${t.name}: ${p(t.file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        ]);
      }
    });
  }
  if (api) {
    let keys: ApiKey[] | undefined;
    try {
      keys = api.keys ? loadApiKeys(p(api.keys)) : undefined;
    } catch (err) {
      throw new ConfigFileError([
        `${config.file}: api.keys: ${err instanceof ApiKeysError ? err.message : (err as Error).message}`,
      ]);
    }
    const { keys: _file, ...rest } = api;
    o.api = { ...rest, ...(keys ? { keys } : {}) };
  }
  return o;
}

/** Flags win: every option the command line set replaces the file's. */
export function layerOptions<T extends object>(fromFile: Partial<T>, fromFlags: Partial<T>): Partial<T> {
  const out: Partial<T> = { ...fromFile };
  for (const [k, v] of Object.entries(fromFlags))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** The section as @plexus/teams reads it, each rule labelled with where it is written. */
function ownershipRules(config: DaemonConfig, section: OwnershipSection): OwnershipRules {
  const label = (path: (string | number)[]) =>
    `${config.at?.(path) ?? config.file} (${path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('')})`;
  return {
    meshes: section.meshes.map((m, i) => ({
      mesh: m.mesh,
      owner: m.owner,
      label: label(['ownership', 'meshes', i]),
      members: m.members.map((mm, j) => ({
        owner: mm.owner,
        resources: mm.resources,
        label: label(['ownership', 'meshes', i, 'members', j]),
      })),
    })),
  };
}
