import { describe, expect, it } from 'vitest';
import { isSpecFile, redact, SourceError } from '../src/index.ts';
import { MAX_BACKOFF_MS, nextDelay } from '../src/remote/schedule.ts';
import { rejectUnsupportedUrl, stripCredentials } from '../src/remote/url.ts';
import { normaliseSubdir } from '../src/spec-files.ts';

describe('source helpers', () => {
  it('jitters the poll interval by at most 10 % and backs off exponentially on failures, capped', () => {
    expect(nextDelay(1000, 0, () => 0)).toBe(900);
    expect(nextDelay(1000, 0, () => 1)).toBe(1100);
    expect(nextDelay(1000, 0, () => 0.5)).toBe(1000);
    expect(nextDelay(1000, 3, () => 0.5)).toBe(8000);
    expect(nextDelay(1000, 30, () => 0.5)).toBe(MAX_BACKOFF_MS);
    expect(nextDelay(600_000, 2, () => 0.5)).toBe(600_000);
  });

  it('redacts secrets, their URL-encoded form, URL credentials and auth headers', () => {
    const out = redact('GET https://bot:p%2Fw@host/x failed; token=p/w; Authorization: Basic Ym90OnAvdw==', [
      'p/w',
    ]);
    expect(out).not.toContain('p/w');
    expect(out).not.toContain('p%2Fw');
    expect(out).not.toContain('Ym90OnAvdw==');
    expect(
      new SourceError('auth', 'bad abc123', { secrets: ['abc123'], cause: new Error('abc123!') }),
    ).toMatchObject({
      message: 'bad ***',
      detail: '***!',
    });
  });

  it('classifies URLs and paths', () => {
    expect(() => rejectUnsupportedUrl('deploy@git.example.com:team/specs.git')).toThrow(/SSH/);
    expect(() => rejectUnsupportedUrl('https://example.com/x.git')).not.toThrow();
    expect(() => rejectUnsupportedUrl('./relative/dir')).not.toThrow();
    expect(stripCredentials('https://u:t@h/x.git')).toBe('https://h/x.git');
    expect(normaliseSubdir('/a//b/./')).toBe('a/b');
    expect(() => normaliseSubdir('a/../../b')).toThrow(/inside the repository/);
    expect(['a.yaml', 'b.YML', 'c.json', 'd.txt', 'yaml'].map(isSpecFile)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
