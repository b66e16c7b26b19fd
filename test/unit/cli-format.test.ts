import { describe, expect, it } from 'vitest';
import { duration, formatTime, table, wrapText } from '../../local/cli/format.js';
import { renderDemoSummary } from '../../local/runtime/demo.js';

describe('swfctl text output', () => {
  it('writes every time one way, with its zone, and durations past an hour', () => {
    expect(formatTime(Date.UTC(2026, 10, 26, 3, 9, 29, 123))).toBe('2026-11-26 03:09:29.123 UTC');
    expect(formatTime(new Date(Date.UTC(2026, 0, 2)))).toBe('2026-01-02 00:00:00.000 UTC');
    expect(formatTime(undefined)).toBe('–');
    expect([850, 2_340, 245_600, 3_599_000, 3 * 3_600_000 + 7 * 60_000].map(duration)).toEqual([
      '850ms',
      '2.3s',
      '4m05s',
      '59m59s',
      '3h07m',
    ]);
    // 119.6 s is 1m59s, never "1m60s".
    expect(duration(119_600)).toBe('1m59s');
  });

  it('wraps the last column at word boundaries instead of cutting it', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
    const text = table(['id', 'note'], [['A-1', 'a rather long note that must wrap onto lines']], {
      width: 30,
    });
    const lines = text.split('\n');
    expect(lines.every((l) => l.length <= 30)).toBe(true);
    expect(
      lines
        .slice(2)
        .map((l) => l.slice(5))
        .join(' '),
    ).toBe('a rather long note that must wrap onto lines');
  });

  it('keeps the demo summary within 100 columns and every word of its notes', () => {
    const note =
      'failed, compensated; resumed from NotifyCompletion (redoing ProcessData, EnrichData, SaveResults); 1 confirmation(s) sent';
    const summary = renderDemoSummary([
      {
        orderId: 'DEMO-20261126-broken',
        scenario:
          'permanent failure at NotifyCompletion: compensated, then resumed once the fault is cleared',
        expected: 'COMPLETED',
        actual: 'COMPLETED',
        ok: true,
        runs: 2,
        ms: 4_200,
        note,
      },
    ]);
    const lines = summary.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    const lastColumn = lines[0]?.indexOf('scenario / note') ?? 0;
    const words = lines
      .slice(2)
      .map((l) => l.slice(lastColumn))
      .join(' ');
    expect(words).toContain(note);
  });
});
