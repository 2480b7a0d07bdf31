import { expect, it } from 'vitest';
import { contiguousSeq } from './sync.ts';

it('syncs after the last seq of an unbroken run from 1, not after the highest seen', () => {
  expect(contiguousSeq([])).toBe(0);
  expect(contiguousSeq([1, 2, 3])).toBe(3);
  expect(contiguousSeq([3, 1, 2])).toBe(3);
  // 3 was stored but never pushed: seen 1, 2, 4 → sync after 2, which fetches 3 and 4 again.
  expect(contiguousSeq([1, 2, 4])).toBe(2);
  expect(contiguousSeq([2, 3])).toBe(0);
});
