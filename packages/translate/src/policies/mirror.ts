/** Request mirroring: a share of a route's requests copied to a virtual node (its responses dropped). */

import { egressCluster } from '../clusters/egress.ts';
import type { Ctx } from '../context.ts';
import { targetListener } from '../context.ts';
import { UnsupportedFeatureError } from '../errors.ts';
import type { Json } from '../types.ts';
import { fractionalPercent } from './envoy-types.ts';
import type { HcmSite } from './targets.ts';

export function applyMirror(ctx: Ctx, site: HcmSite): void {
  for (const r of site.routes) {
    const policy = r.policies?.traffic;
    const m = policy?.spec?.mirror;
    const action = r.entry.route as Json | undefined;
    if (!policy || !m || !action) continue;
    const l = targetListener(ctx, m.virtualNode, m.port);
    if (!l)
      throw new UnsupportedFeatureError(
        policy,
        ['mirror', 'virtualNode'],
        `virtual node "${m.virtualNode}" has no listener${m.port ? ` on port ${m.port}` : ''}`,
      );
    const cluster = egressCluster(ctx, m.virtualNode, l, { name: m.virtualNode, implicit: false });
    action.request_mirror_policies = [
      { cluster, runtime_fraction: { default_value: fractionalPercent(m.percentage) } },
    ];
  }
}
