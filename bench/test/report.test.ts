import { describe, expect, it } from 'vitest';
import { type Figure, pooledTail, spread, withSection } from '../scale/report.ts';

const section = (figures: Figure[], note = 'what was measured') => ({
  title: 'Thing: npm run bench:thing',
  command: 'npm run bench:thing',
  machine: '2× test CPU',
  figures,
  note,
  date: '2026-12-03 08:00',
});

describe('benchmark tables', () => {
  it('shows one sample as one value, not as min = median = max', () => {
    const text = withSection('', section([{ figure: 'ready', unit: 'ms', ...spread([42]) }]));
    expect(text).toContain('| ready (ms) | `npm run bench:thing` | 2× test CPU | – | 42.00 | – | 1 |');
  });

  it('names a tail over fewer than 20 samples "max of N" and a p99 only from 20 or more', () => {
    expect(pooledTail('commit → ACK', 'ms', [1, 2, 9]).figure).toBe('commit → ACK max of 3');
    expect(pooledTail('commit → ACK', 'ms', [1, 2, 9]).median).toBe(9);
    const many = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(pooledTail('commit → ACK', 'ms', many)).toMatchObject({ figure: 'commit → ACK p99', median: 99 });
  });

  it('replaces only its own section and keeps the ### notes written under it', () => {
    const first = withSection('', section([{ figure: 'a', unit: 'ms', ...spread([1, 2, 3]) }]));
    const withNotes = `${first}\n### Reading the rows\n\nhand-written analysis\n\n## Other: npm run bench:other\n\nkept\n`;
    const again = withSection(
      withNotes,
      section([{ figure: 'b', unit: 'ms', ...spread([5, 6, 7]) }], 'rerun'),
    );
    expect(again).toContain('| b (ms) |');
    expect(again).not.toContain('| a (ms) |');
    expect(again).toContain('rerun');
    expect(again).toContain('### Reading the rows\n\nhand-written analysis');
    expect(again).toContain('## Other: npm run bench:other\n\nkept');
    expect(again.indexOf('### Reading')).toBeLessThan(again.indexOf('## Other'));
  });
});
