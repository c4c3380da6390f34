/**
 * What a proxy is actually served: a raw ADS (SotW) stream under front's node id asks for front's outbound
 * route table and returns the weight of each colorteller cluster.
 */
import { createHmac } from 'node:crypto';
import type { StatusDocument } from '@plexus/daemon';
import { AdsClient, XdsTypes } from '@plexus/testkit';
import { COLORS, type Weights } from './remote-repo.ts';

export const FRONT = 'mesh/colorapp/virtualNode/front';
/** front's outbound HTTP route table: the colorteller router listens on 9080 (examples/colorapp). */
const EGRESS_ROUTES = 'rds_egress_http_9080';

type WeightedCluster = { name: string; weight?: number | { value?: number } };
type RouteConfig = {
  virtual_hosts?: Array<{
    domains?: string[];
    routes?: Array<{ route?: { weighted_clusters?: { clusters?: WeightedCluster[] } } }>;
  }>;
};

/** `{ red, blue, green }` as served to front for colorteller.colorapp.local (0 for a color not served). */
export async function servedWeights(xdsPort: number): Promise<Weights> {
  const ads = new AdsClient(`127.0.0.1:${xdsPort}`);
  const stream = ads.sotw({ id: FRONT });
  try {
    stream.request({ typeUrl: XdsTypes.route, names: [EGRESS_ROUTES] });
    const res = await stream.nextOf(XdsTypes.route, 5000);
    const config = res.resources.find((r) => r.name === EGRESS_ROUTES)?.value as RouteConfig | undefined;
    const host = config?.virtual_hosts?.find((h) => h.domains?.includes('colorteller.colorapp.local'));
    const clusters = host?.routes?.[0]?.route?.weighted_clusters?.clusters ?? [];
    const weights: Weights = { red: 0, blue: 0, green: 0 };
    for (const c of clusters) {
      const color = COLORS.find((k) => c.name.includes(`colorteller-${k}_`));
      if (!color) throw new Error(`unexpected cluster ${c.name}`);
      weights[color] = typeof c.weight === 'object' ? (c.weight.value ?? 0) : (c.weight ?? 0);
    }
    return weights;
  } finally {
    stream.close();
    ads.close();
  }
}

export async function status(httpPort: number): Promise<StatusDocument> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/status`);
  return (await res.json()) as StatusDocument;
}

/** A GitHub push delivery to the daemon's /webhook, signed with `secret` (X-Hub-Signature-256). */
export async function deliverGithubPush(
  httpPort: number,
  secret: string,
  body: object,
): Promise<{ status: number; body: string }> {
  const raw = JSON.stringify(body);
  const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  const res = await fetch(`http://127.0.0.1:${httpPort}/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-hub-signature-256': signature,
    },
    body: raw,
  });
  return { status: res.status, body: await res.text() };
}
