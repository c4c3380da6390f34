/**
 * planTargets plans each node once per plugin list: a kept node object gets its earlier plan, an edited node
 * (a new object) or another plugin list is planned again.
 */
import { describe, expect, it } from 'vitest';
import { planTargets } from '../src/runtime/targets.ts';
import { controllablePlugin } from './fake-plugin.ts';
import { virtualNode } from './resources.ts';

describe('planTargets', () => {
  it('reuses the plan of a kept node and plans an edited one again', () => {
    const plugins = [controllablePlugin().plugin];
    const a = virtualNode('m', 'a', { fake: { n: 1 } });
    const b = virtualNode('m', 'b', { fake: { n: 1 } });
    const first = planTargets([a, b], plugins);
    const again = planTargets([a, b], plugins);
    expect(again[0]).toBe(first[0]);
    expect(again[1]).toBe(first[1]);
    const b2 = virtualNode('m', 'b', { fake: { n: 2 } }, [9090]);
    const edited = planTargets([a, b2], plugins);
    expect(edited[0]).toBe(first[0]);
    expect(edited[1].fingerprint).not.toBe(first[1].fingerprint);
    expect(edited[1].target.listenerPorts).toEqual([9090]);
  });

  it('plans a kept node again for another plugin list', () => {
    const one = controllablePlugin('one', ['fake']).plugin;
    const two = controllablePlugin('two', ['fake']).plugin;
    const a = virtualNode('m', 'a', { fake: {} });
    expect(planTargets([a], [one])[0].plugin).toBe(one);
    expect(planTargets([a], [two])[0].plugin).toBe(two);
    // a node no plugin handles has no target, remembered as such
    expect(planTargets([a], [controllablePlugin('x', ['other']).plugin])).toEqual([]);
  });
});
