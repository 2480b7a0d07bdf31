import { describe, expect, it, vi } from 'vitest';
import { browserStorage, fromFragment } from './storage.ts';

describe('browserStorage', () => {
  it('uses localStorage when the browser allows it', () => {
    localStorage.clear();
    const mirror = vi.fn();
    const s = browserStorage({ ls: localStorage, initial: { 'kamflo:a': '"ignored"' }, mirror });
    s.set('kamflo:a', { token: 't' });
    expect(localStorage.getItem('kamflo:a')).toBe('{"token":"t"}');
    expect(browserStorage({ ls: localStorage }).get('kamflo:a')).toEqual({ token: 't' });
    s.remove('kamflo:a');
    expect(localStorage.getItem('kamflo:a')).toBeNull();
    expect(mirror).not.toHaveBeenCalled();
  });

  it("without localStorage, starts from the host page's copy and mirrors every change back", () => {
    const mirror = vi.fn();
    const s = browserStorage({ ls: null, initial: fromFragment(`#${encodeURIComponent('{"kamflo:v":"{\\"token\\":\\"t\\"}"}')}`), mirror });
    expect(s.get('kamflo:v')).toEqual({ token: 't' });
    s.set('kamflo:o', [1]);
    expect(s.get('kamflo:o')).toEqual([1]);
    expect(mirror).toHaveBeenLastCalledWith('kamflo:o', '[1]');
    s.remove('kamflo:v');
    expect(s.get('kamflo:v')).toBeUndefined();
    expect(mirror).toHaveBeenLastCalledWith('kamflo:v', null);
  });

  it('reads a bad fragment as nothing', () => {
    expect(fromFragment('')).toEqual({});
    expect(fromFragment('#%7Bnot json')).toEqual({});
  });
});
