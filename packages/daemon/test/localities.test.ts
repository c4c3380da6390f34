import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ConnectedLocalities, zoneKeyOf } from '../src/localities.ts';
import type { XdsServer } from '../src/stages.ts';

const P = 'mesh/m/virtualNode/a';
const node = (zone?: string) => ({
  id: P,
  cluster: 'a',
  ...(zone ? { locality: { region: 'r', zone } } : {}),
});

describe('ConnectedLocalities', () => {
  it('tracks the zones of a proxy’s streams and says when the set changes, not on every stream', () => {
    const xds = new EventEmitter();
    const zones = new ConnectedLocalities(xds as unknown as Pick<XdsServer, 'on'>);
    const changes: string[] = [];
    zones.subscribe((k) => changes.push(k));
    xds.emit('connect', { streamId: 1, proxyKey: P, node: node('a') });
    xds.emit('connect', { streamId: 2, proxyKey: P, node: node('a') });
    xds.emit('connect', { streamId: 3, proxyKey: P, node: node('b') });
    xds.emit('connect', { streamId: 4, proxyKey: P, node: node() });
    expect([...zones.of(P)]).toEqual([
      ['zone=r/a', { region: 'r', zone: 'a' }],
      ['zone=r/b', { region: 'r', zone: 'b' }],
    ]);
    expect(changes).toEqual([P, P]);
    xds.emit('disconnect', { streamId: 1, proxyKey: P });
    xds.emit('disconnect', { streamId: 4, proxyKey: P });
    expect(changes).toEqual([P, P]);
    xds.emit('disconnect', { streamId: 2, proxyKey: P });
    expect([...zones.of(P).keys()]).toEqual(['zone=r/b']);
    xds.emit('disconnect', { streamId: 3, proxyKey: P });
    expect(zones.of(P).size).toBe(0);
    expect(changes).toEqual([P, P, P, P]);
  });

  it('a node without a zone has no locality key', () => {
    expect(zoneKeyOf({})).toBeUndefined();
    expect(zoneKeyOf({ locality: { region: 'r' } })).toBeUndefined();
    expect(zoneKeyOf({ locality: { zone: 'z' } })).toBe('zone=/z');
  });
});
