import { describe, expect, it } from 'vitest';
import { describeSla, formatDuration, formatWait } from './format.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('formatWait', () => {
  it('shows seconds, then minutes and padded seconds, then hours and padded minutes', () => {
    expect(formatWait(0)).toBe('0s');
    expect(formatWait(12 * S)).toBe('12s');
    expect(formatWait(65 * S)).toBe('1m 05s');
    expect(formatWait(59 * M + 59 * S)).toBe('59m 59s');
    expect(formatWait(H + 2 * M)).toBe('1h 02m');
    expect(formatWait(-5 * S)).toBe('0s'); // clock skew never shows a negative wait
  });
});

describe('describeSla', () => {
  it('reads as time left, time overdue, or answered', () => {
    expect(describeSla(2 * H + 10 * M)).toEqual({ text: '2h 10m left', state: 'ok' });
    expect(describeSla(35 * M)).toEqual({ text: '35m left', state: 'soon' });
    expect(describeSla(-35 * M)).toEqual({ text: '35m overdue', state: 'overdue' });
    expect(describeSla(-(H + 5 * M))).toEqual({ text: '1h 05m overdue', state: 'overdue' });
    expect(describeSla(null)).toEqual({ text: 'answered', state: 'answered' });
  });

  it('uses days for long windows and <1m under a minute', () => {
    expect(formatDuration(72 * H)).toBe('3d 0h');
    expect(formatDuration(30 * S)).toBe('<1m');
  });
});
