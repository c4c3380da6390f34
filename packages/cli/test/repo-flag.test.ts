import { describe, expect, it } from 'vitest';
import { formatStatus } from '../src/commands/status.ts';
import { parseRepoFlag, sourcesFromFlags, wantsSources } from '../src/repo-flag.ts';

describe('--repo for several sources', () => {
  it('reads the location, then ,key=value options; the name defaults to the owner, then the repo', () => {
    expect(parseRepoFlag('/srv/team-a,branch=prod,path=mesh,owner=team-a')).toEqual({
      name: 'team-a',
      repo: '/srv/team-a',
      owner: 'team-a',
      branch: 'prod',
      path: 'mesh',
    });
    expect(parseRepoFlag('https://git.example.com/x/pay,ments.git,name=pay')).toEqual({
      name: 'pay',
      repo: 'https://git.example.com/x/pay,ments.git',
    });
    expect(parseRepoFlag('https://git.example.com/x/mesh.git').name).toBe('mesh');
  });

  it('keeps one plain --repo the single-source daemon it was', () => {
    expect(wantsSources(['/srv/specs'])).toBe(false);
    expect(wantsSources(['/srv/specs,owner=ops'])).toBe(true);
    expect(wantsSources(['/a', '/b'])).toBe(true);
  });

  it('refuses conflicting options and clashing names in one line', () => {
    expect(() => parseRepoFlag('/a,branch=x,tag=y')).toThrow('give at most one of branch=, tag= and commit=');
    expect(() => parseRepoFlag('/a,owner=')).toThrow('owner= needs a value');
    expect(() => sourcesFromFlags(['/x/specs', '/y/specs'])).toThrow(
      "--repo: two sources are named 'specs': add ,name=N to one of them",
    );
  });

  it('plexus status shows each source and why one is refused', () => {
    const text = formatStatus({
      revision: { applied: 'f'.repeat(40), attempted: 'e'.repeat(40), error: null },
      sources: [
        {
          name: 'team-a',
          owner: 'team-a',
          repo: '/srv/a (branch main)',
          revision: { applied: 'a1', attempted: 'a1', error: null },
        },
        {
          name: 'team-b',
          owner: 'team-b',
          repo: '/srv/b (branch main)',
          revision: {
            applied: 'b1',
            attempted: 'b2',
            error: {
              revision: 'b2',
              source: 'team-b',
              stage: 'load',
              message: 'must be 1..65535',
              errors: [
                'team-b/cart.yaml:5:35: VirtualNode shop/cart: spec.listeners[0].portMapping.port: must be 1..65535',
              ],
              at: '2026-01-01T00:00:00Z',
            },
          },
        },
      ],
      proxies: [],
    });
    expect(text).toContain('SOURCE  OWNER   APPLIED  ATTEMPTED  STATE    REPO');
    expect(text).toContain('team-b  team-b  b1       b2         REFUSED  /srv/b (branch main)');
    expect(text).toContain('  team-b b2: must be 1..65535');
    expect(text).toContain('    team-b/cart.yaml:5:35: VirtualNode shop/cart');
  });
});
