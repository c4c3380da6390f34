import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { latestWins } from '../latest-value.ts';
import type { Channels, ConfigSnapshot } from '../messages.ts';
import type { DaemonMetrics } from '../metrics.ts';
import type { ProxyRevisions } from '../proxy-revisions.ts';
import { errorFromException } from '../revision-error.ts';
import type { Runner } from '../runner.ts';
import type { ProxyConfig, XdsServer } from '../stages.ts';

interface Pushed {
  config: ProxyConfig;
  revision: string;
  /** Digests of the listeners/routes/clusters/secrets and of the endpoints, computed at most once per config. */
  shape?: string;
  endpoints?: string;
}

function digest(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64');
}

function shapeOf(p: Pushed): string {
  if (p.shape === undefined) {
    const { endpoints: _, ...rest } = p.config;
    p.shape = digest(rest);
  }
  return p.shape;
}

function endpointsOf(p: Pushed): string {
  p.endpoints ??= digest(p.config.endpoints);
  return p.endpoints;
}

/** Whether two configs differ in more than their endpoints: by identity of the parts first, by digest after. */
function sameShape(prev: Pushed, now: Pushed): boolean {
  const a = prev.config;
  const b = now.config;
  if (
    a.listeners === b.listeners &&
    a.routes === b.routes &&
    a.clusters === b.clusters &&
    a.secrets === b.secrets
  )
    return true;
  return shapeOf(prev) === shapeOf(now);
}

function sameEndpoints(prev: Pushed, now: Pushed): boolean {
  return prev.config.endpoints === now.config.endpoints || endpointsOf(prev) === endpointsOf(now);
}

/** Keeps the xDS server's per-zone endpoints equal to the last snapshot's, setting only those that changed. */
function localizedPusher(xds: XdsServer) {
  let last = new Map<string, Map<string, string>>();
  return {
    sync(wanted: ConfigSnapshot['localized']): void {
      if (!xds.setLocalizedEndpoints || !xds.removeLocalizedEndpoints) return;
      const now = new Map<string, Map<string, string>>();
      for (const [proxy, zones] of wanted ?? []) {
        const had = last.get(proxy);
        const digests = new Map<string, string>();
        for (const [zone, endpoints] of zones) {
          const d = digest(endpoints);
          digests.set(zone, d);
          if (had?.get(zone) !== d) xds.setLocalizedEndpoints(proxy, zone, endpoints);
        }
        now.set(proxy, digests);
      }
      for (const [proxy, zones] of last) {
        for (const zone of zones.keys()) {
          if (!now.get(proxy)?.has(zone)) xds.removeLocalizedEndpoints(proxy, zone);
        }
      }
      last = now;
    },
  };
}

/**
 * Pushes computed configs to the xDS server: a proxy whose listeners/routes/clusters/secrets changed gets a full
 * config, one whose endpoints alone changed gets endpoints only, an unchanged one gets nothing.
 */
export function createXdsRunner(
  xds: XdsServer,
  channels: Channels,
  metrics: DaemonMetrics,
  revisions: ProxyRevisions,
  log: Logger,
  /** Runs before a snapshot is pushed (the mesh CA issues the certificates its configs name). */
  prepare?: (snap: ConfigSnapshot) => Promise<void>,
): Runner {
  const pushed = new Map<string, Pushed>();
  const localized = localizedPusher(xds);
  const job = latestWins<ConfigSnapshot>(
    async (snap) => {
      if (prepare) {
        try {
          await prepare(snap);
        } catch (err) {
          log.warn(
            { revision: snap.revision, err },
            'mesh CA could not prepare every certificate; pushing anyway',
          );
        }
      }
      const full: string[] = [];
      const endpointOnly: string[] = [];
      const next = new Map<string, Pushed>();
      const done: string[] = [];
      try {
        for (const [key, config] of snap.configs) {
          const prev = pushed.get(key);
          if (prev && prev.config === config) {
            // Reused untranslated (nothing it depends on changed): nothing to compare.
            next.set(key, prev);
            continue;
          }
          const now: Pushed = { config, revision: snap.revision };
          if (!prev || !sameShape(prev, now)) {
            xds.setProxyConfig(key, config, { revision: snap.revision });
            full.push(key);
          } else if (!sameEndpoints(prev, now)) {
            xds.updateEndpoints(key, config.endpoints, { revision: snap.revision });
            endpointOnly.push(key);
          } else {
            now.revision = prev.revision;
            next.set(key, now);
            continue;
          }
          done.push(key);
          next.set(key, now);
        }
      } catch (err) {
        // The xDS server refused a resource: put back what this snapshot already replaced (only pushed proxies
        // are in `done`), so proxies never see half a revision.
        for (const key of done.reverse()) {
          const prev = pushed.get(key);
          if (prev) xds.setProxyConfig(key, prev.config, { revision: prev.revision });
          else xds.removeProxyConfig(key);
        }
        log.error(
          { revision: snap.revision, err },
          'pushing config failed; rolled back to the last good one',
        );
        if (snap.cause === 'revision') {
          channels.outcomes.publish({
            revision: snap.revision,
            seenAt: snap.seenAt,
            ok: false,
            error: errorFromException(snap.revision, 'apply', err),
          });
        }
        return;
      }
      for (const key of pushed.keys()) {
        if (next.has(key)) continue;
        xds.removeProxyConfig(key);
        revisions.forget(key);
      }
      pushed.clear();
      for (const [key, p] of next) {
        pushed.set(key, p);
        revisions.record(key, p.revision, snap.revision);
      }
      localized.sync(snap.localized);
      metrics.pushes.inc({ kind: 'config' }, full.length);
      metrics.pushes.inc({ kind: 'endpoints' }, endpointOnly.length);
      log.info(
        { revision: snap.revision, cause: snap.cause, pushed: full, endpointPushes: endpointOnly },
        snap.cause === 'revision' ? 'revision applied' : 'endpoints updated',
      );
      if (snap.cause === 'revision') {
        channels.outcomes.publish({
          revision: snap.revision,
          seenAt: snap.seenAt,
          ok: true,
          pushed: full,
          endpointPushes: endpointOnly,
        });
      }
    },
    (err) => log.error({ err }, 'xds runner failed'),
  );
  let unsubscribe = () => {};
  return {
    name: 'xds',
    start() {
      unsubscribe = channels.configs.subscribe(job.push);
    },
    idle: job.idle,
    async stop() {
      unsubscribe();
      await job.idle();
    },
  };
}
