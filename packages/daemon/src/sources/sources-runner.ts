import type { Diagnostic } from '@plexus/spec';
import {
  attributeErrors,
  compositeRevisionId,
  dependentsMessage,
  type OwnershipRules,
  type SourceIdentity,
  sourceOfPath,
} from '@plexus/teams';
import type { Logger } from 'pino';
import type { Channels, RevisionError } from '../messages.ts';
import type { DaemonMetrics } from '../metrics.ts';
import { errorFromDiagnostics } from '../revision-error.ts';
import type { Runner } from '../runner.ts';
import type { CoreStages, SourceRevision } from '../stages.ts';
import { evaluateUnion } from './evaluate-union.ts';
import type { SourceSet, SourceState } from './source-set.ts';

export interface SourcesRunnerDeps {
  set: SourceSet;
  stages: CoreStages;
  channels: Channels;
  metrics: DaemonMetrics;
  rules?: OwnershipRules;
  log: Logger;
}

interface Published {
  /** The source whose change it carries ('' for the start-up union). */
  changed: string;
  previous?: SourceRevision;
  revisions: Map<string, SourceRevision>;
}

/**
 * The source stage of a multi-source daemon. Each source's new revision is loaded together with every other
 * source's last good revision and validated as one mesh (with the ownership rules); only a union that is
 * valid goes down the pipeline, so a broken commit in one source is refused for that source alone while the
 * others keep applying. An error in another source's files (a reference the change broke) is the changed
 * source's error too, naming the dependents.
 */
export function createSourcesRunner(d: SourcesRunnerDeps): Runner & { refresh(): Promise<void> } {
  const { set, stages, channels, metrics, rules } = d;
  const identities = new Map<string, SourceIdentity>(
    set.states.map((s) => [s.name, { name: s.name, owner: s.owner }]),
  );
  const published = new Map<string, Published>();
  let starting = true;
  let stopped = false;
  const queued = new Map<string, SourceRevision>();
  let unsubscribe = () => {};

  const goods = () => {
    const m = new Map<string, SourceRevision>();
    for (const s of set.states) if (s.good) m.set(s.name, s.good);
    return m;
  };
  const ids = (revs: Map<string, SourceRevision>) => new Map([...revs].map(([n, r]) => [n, r.id]));

  const refuse = (st: SourceState, rev: SourceRevision, errors: Diagnostic[], candidate: string) => {
    const { own, dependents } = attributeErrors(errors, st.name);
    const error: RevisionError = {
      ...errorFromDiagnostics(rev.id, [...own, ...[...dependents.values()].flat()], stages.formatDiagnostic),
      source: st.name,
    };
    if (dependents.size > 0) {
      const head = dependentsMessage(st.name, dependents);
      if (own.length === 0) error.message = head;
      error.errors = [head, ...error.errors];
    }
    st.error = error;
    metrics.sourceReconciles.inc({ source: st.name, outcome: 'refused' });
    metrics.sourceRefused.set({ source: st.name }, 1);
    st.log.error(
      { revision: rev.id, errors: error.errors },
      `source ${st.name}: revision ${rev.id} refused; its last good revision keeps serving`,
    );
    channels.outcomes.publish({
      revision: candidate,
      seenAt: rev.seenAt,
      ok: false,
      error,
      ...(rev.commit ? { commit: rev.commit } : {}),
    });
  };

  const publish = (
    revs: Map<string, SourceRevision>,
    seen: SourceRevision,
    p: Published,
    u: ReturnType<typeof evaluateUnion>,
  ) => {
    const revIds = ids(revs);
    const id = compositeRevisionId(revIds);
    published.set(id, p);
    if (published.size > 32) published.delete(published.keys().next().value!);
    channels.revisions.publish({
      id,
      files: u.files,
      seenAt: seen.seenAt,
      source: p.changed ? `${p.changed}: ${seen.source}` : [...revs.keys()].join(', '),
      ...(seen.commit ? { commit: seen.commit } : {}),
      validated: u.validated,
      change: { source: p.changed, revision: seen.id, sources: Object.fromEntries(revIds) },
    });
  };

  const accept = (st: SourceState, rev: SourceRevision) => {
    st.good = rev;
    st.error = null;
    metrics.sourceReconciles.inc({ source: st.name, outcome: 'applied' });
    metrics.sourceRefused.set({ source: st.name }, 0);
  };

  /** One source's new revision against the others' last good ones. */
  const change = (st: SourceState, rev: SourceRevision) => {
    st.attempted = rev.id;
    st.fetchError = undefined;
    const revs = goods();
    revs.set(st.name, rev);
    const u = evaluateUnion(stages, revs, identities, rules);
    if (u.errors.length > 0) {
      refuse(st, rev, u.errors, compositeRevisionId(ids(revs)));
      return;
    }
    const previous = st.good;
    accept(st, rev);
    st.log.info(
      { revision: rev.id, resources: u.validated.resources.length },
      `source ${st.name}: revision valid`,
    );
    publish(revs, rev, { changed: st.name, previous, revisions: revs }, u);
  };

  /**
   * The first revisions of all sources (and those restored from the state directory) as one union. A source
   * whose files hold errors is refused (falling back to its restored revision, if any) until the rest is valid.
   */
  const startUnion = (live: Map<string, SourceRevision>) => {
    const revs = goods();
    for (const [n, r] of live) revs.set(n, r);
    for (const [n, r] of live) set.get(n)!.attempted = r.id;
    for (let round = 0; revs.size > 0 && round <= set.states.length; round++) {
      const u = evaluateUnion(stages, revs, identities, rules);
      if (u.errors.length === 0) {
        for (const [n, r] of revs) accept(set.get(n)!, r);
        d.log.info({ sources: Object.fromEntries(ids(revs)) }, 'sources valid together');
        const newest = [...revs.values()].reduce((a, b) => (b.seenAt > a.seenAt ? b : a));
        publish(revs, newest, { changed: '', revisions: revs }, u);
        return;
      }
      const candidate = compositeRevisionId(ids(revs));
      const offenders = new Set<string>();
      for (const e of u.errors) {
        const n = sourceOfPath(e.file);
        if (n && revs.has(n)) offenders.add(n);
      }
      const unattributed = offenders.size === 0;
      if (unattributed) for (const n of revs.keys()) offenders.add(n);
      for (const n of offenders) {
        const st = set.get(n)!;
        const rev = revs.get(n)!;
        const own = u.errors.filter((e) => unattributed || sourceOfPath(e.file) === n);
        refuse(st, rev, own, candidate);
        if (st.good && st.good !== rev) revs.set(n, st.good);
        else {
          revs.delete(n);
          st.good = undefined;
        }
      }
    }
  };

  const onRevision = (st: SourceState) => (rev: SourceRevision) => {
    if (stopped) return;
    st.log.info({ revision: rev.id, files: rev.files.length }, `source ${st.name}: revision seen`);
    if (starting) queued.set(st.name, rev);
    else change(st, rev);
  };

  return {
    name: 'sources',
    async start() {
      unsubscribe = channels.outcomes.subscribe((o) => {
        const p = published.get(o.revision);
        if (!p) return;
        published.delete(o.revision);
        if (o.ok) {
          for (const [n, rev] of p.revisions) {
            const st = set.get(n)!;
            if (st.applied !== rev.id) {
              if (st.applied) metrics.sourceRevision.remove({ source: n, revision: st.applied });
              metrics.sourceRevision.set({ source: n, revision: rev.id }, 1);
            }
            st.applied = rev.id;
            if (st.lastGood && st.savedId !== rev.id) {
              st.lastGood.save(rev);
              st.savedId = rev.id;
            }
          }
          return;
        }
        // Valid, but failed further down (graph, translate, apply): the changed source goes back.
        const st = p.changed ? set.get(p.changed) : undefined;
        const rev = p.revisions.get(p.changed);
        if (!st || !rev) return;
        if (st.good === rev) st.good = p.previous;
        st.error = { ...o.error, revision: rev.id, source: st.name };
        metrics.sourceRefused.set({ source: st.name }, 1);
        st.log.error(
          { revision: rev.id, stage: o.error.stage },
          `source ${st.name}: revision ${rev.id} failed`,
        );
      });
      for (const st of set.states) {
        const restored = st.lastGood?.load();
        if (restored) {
          st.good = restored;
          st.savedId = restored.id;
          st.log.info({ revision: restored.id }, `source ${st.name}: restored its last good revision`);
        }
      }
      await Promise.all(
        set.states.map((st) =>
          st.source.start(onRevision(st), (err) => {
            st.fetchError = err.message;
            st.log.error({ err }, `source ${st.name}: source error; keeping its last revision`);
          }),
        ),
      );
      starting = false;
      if (queued.size > 0 || set.states.some((s) => s.good)) startUnion(new Map(queued));
      queued.clear();
    },
    async refresh() {
      await Promise.all(set.states.map((s) => s.source.refresh?.()));
    },
    async stop() {
      stopped = true;
      unsubscribe();
      await Promise.all(set.states.map((s) => s.source.stop()));
    },
  };
}
