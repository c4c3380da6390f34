import { expect, it } from 'vitest';
import { TypeUrl } from '../src/protos.ts';
import { ResourceCache } from '../src/resource-cache.ts';
import { SotwBodies } from '../src/sotw-bodies.ts';
import { versionOf } from '../src/versions.ts';
import { encodeSotwResources, encodeSotwResponse, encodeSotwResponseAround } from '../src/wire.ts';

const cluster = (name: string, ms: number) => ({
  name,
  type: 'EDS',
  connect_timeout: `${ms / 1000}s`,
  eds_cluster_config: { eds_config: { ads: {} } },
});

function entries(cache: ResourceCache, clusters: Array<ReturnType<typeof cluster>>) {
  return new Map(clusters.map((c) => [c.name, cache.entryFor(TypeUrl.Cluster, c)]));
}

it('a response around a shared body is byte for byte the response encoded whole', () => {
  const cache = new ResourceCache();
  const set = entries(cache, [cluster('a', 250), cluster('b', 500)]);
  const anys = [...set.values()].map((e) => e.any);
  const whole = encodeSotwResponse('v1', TypeUrl.Cluster, 'n-1', anys);
  const around = encodeSotwResponseAround('v1', TypeUrl.Cluster, 'n-1', encodeSotwResources(anys));
  expect(around.equals(whole)).toBe(true);
  const empty = encodeSotwResponseAround('v1', TypeUrl.Cluster, 'n-1', encodeSotwResources([]));
  expect(empty.equals(encodeSotwResponse('v1', TypeUrl.Cluster, 'n-1', []))).toBe(true);
  // lengths past one varint byte, and text that is not ASCII
  const long = 'v'.repeat(300);
  const wide = encodeSotwResponseAround(long, TypeUrl.Cluster, 'né-1', encodeSotwResources(anys));
  expect(wide.equals(encodeSotwResponse(long, TypeUrl.Cluster, 'né-1', anys))).toBe(true);
});

it('one body per (type, version), shared by every stream; a changed resource is a new body', () => {
  const cache = new ResourceCache();
  const bodies = new SotwBodies();
  const one = entries(cache, [cluster('a', 250), cluster('b', 500)]);
  const same = entries(cache, [cluster('a', 250), cluster('b', 500)]);
  const changed = entries(cache, [cluster('a', 250), cluster('b', 750)]);
  const v1 = versionOf(one.values());
  expect(versionOf(same.values())).toBe(v1);
  // the first stream to ask encodes its response whole; from the second on the body is shared
  expect(bodies.body(TypeUrl.Cluster, v1, one)).toBeUndefined();
  const first = bodies.body(TypeUrl.Cluster, v1, one);
  expect(first).toBeDefined();
  expect(bodies.body(TypeUrl.Cluster, v1, same)).toBe(first);
  const v2 = versionOf(changed.values());
  expect(bodies.body(TypeUrl.Cluster, v2, changed)).toBeUndefined();
  const second = bodies.body(TypeUrl.Cluster, v2, changed)!;
  expect(second).not.toBe(first);
  expect(second.equals(encodeSotwResources([...changed.values()].map((e) => e.any)))).toBe(true);
});

it('stays within its byte budget, dropping the least recently used body first', () => {
  const cache = new ResourceCache();
  const sets = [250, 500, 750].map((ms) => entries(cache, [cluster('a', ms)]));
  const sizes = sets.map((s) => encodeSotwResources([...s.values()].map((e) => e.any)).length);
  const bodies = new SotwBodies(Math.max(...sizes) * 2);
  expect(Math.min(...sizes) * 3).toBeGreaterThan(Math.max(...sizes) * 2);
  const [a, b, c] = sets.map((s) => ({ s, v: versionOf(s.values()) }));
  for (const x of [a, b, c]) expect(bodies.body(TypeUrl.Cluster, x!.v, x!.s)).toBeUndefined();
  const bodyA = bodies.body(TypeUrl.Cluster, a!.v, a!.s);
  bodies.body(TypeUrl.Cluster, b!.v, b!.s);
  bodies.body(TypeUrl.Cluster, a!.v, a!.s); // a is now the most recent
  bodies.body(TypeUrl.Cluster, c!.v, c!.s); // b goes
  expect(bodies.size).toBe(2);
  expect(bodies.body(TypeUrl.Cluster, a!.v, a!.s)).toBe(bodyA);
});
