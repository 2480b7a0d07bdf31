import { describe, expect, it, vi } from 'vitest';
import { browserStorage, forgetEverything, forgetVisitor, fromFragment } from './storage.ts';

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
    const fragment = `#${encodeURIComponent(JSON.stringify({ k: { 'kamflo:v': '{"token":"t"}' } }))}`;
    const s = browserStorage({ ls: null, initial: fromFragment(fragment).keys, mirror });
    expect(s.get('kamflo:v')).toEqual({ token: 't' });
    s.set('kamflo:o', [1]);
    expect(s.get('kamflo:o')).toEqual([1]);
    expect(mirror).toHaveBeenLastCalledWith('kamflo:o', '[1]');
    s.remove('kamflo:v');
    expect(s.get('kamflo:v')).toBeUndefined();
    expect(mirror).toHaveBeenLastCalledWith('kamflo:v', null);
  });

  it('reads the signed-in user from the fragment, and a bad fragment as nothing', () => {
    const user = { id: 'u1', email: 'u1@example.com', hash: 'abc' };
    expect(fromFragment(`#${encodeURIComponent(JSON.stringify({ k: {}, u: user }))}`)).toEqual({ keys: {}, user });
    expect(fromFragment(`#${encodeURIComponent(JSON.stringify({ k: {}, u: { email: 'no id' } }))}`)).toEqual({ keys: {}, user: undefined });
    // From a widget.js that sent only the keys.
    expect(fromFragment(`#${encodeURIComponent('{"kamflo:a":"1"}')}`)).toEqual({ keys: { 'kamflo:a': '1' } });
    expect(fromFragment('')).toEqual({ keys: {} });
    expect(fromFragment('#%7Bnot json')).toEqual({ keys: {} });
  });

  it("forgets a site's visitor, or every kamflo: key of the frame (shutdown)", () => {
    localStorage.clear();
    localStorage.setItem('mine', 'kept');
    const s = browserStorage({ ls: localStorage });
    for (const k of ['kamflo:visitor:a', 'kamflo:outbox:a', 'kamflo:read:a', 'kamflo:visitor:b']) s.set(k, 1);
    forgetVisitor(s, 'a');
    expect(Object.keys(localStorage).sort()).toEqual(['kamflo:visitor:b', 'mine']);
    forgetEverything(localStorage);
    expect(Object.keys(localStorage)).toEqual(['mine']);
  });
});
