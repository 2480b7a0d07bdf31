import { describe, expect, it, vi } from 'vitest';
import { applyEpoch, browserStorage, forgetVisitor, fromFragment } from './storage.ts';
import { memoryStorage } from '../test/fake-client.ts';

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

  it("forgets a site's visitor: identity, outbox and read position", () => {
    localStorage.clear();
    localStorage.setItem('mine', 'kept');
    const s = browserStorage({ ls: localStorage });
    for (const k of ['kamflo:visitor:a', 'kamflo:outbox:a', 'kamflo:read:a', 'kamflo:visitor:b']) s.set(k, 1);
    forgetVisitor(s, 'a');
    expect(Object.keys(localStorage).sort()).toEqual(['kamflo:visitor:b', 'mine']);
  });
});

describe('the shutdown epoch', () => {
  const visitor = { token: 't', visitorId: 'v' };
  it('keeps the visitor while the page and the frame agree, and forgets it once the page has a new one', () => {
    const s = memoryStorage();
    s.set('kamflo:visitor:a', visitor);
    // Never shut down: neither has an epoch.
    expect(applyEpoch(s, 'a', {})).toBe(false);
    expect(s.get('kamflo:visitor:a')).toEqual(visitor);

    // Kamflo('shutdown') wrote one on the page: this frame had none, so the visitor goes.
    expect(applyEpoch(s, 'a', { 'kamflo:epoch:a': '1700000000000' })).toBe(true);
    expect(s.get('kamflo:visitor:a')).toBeUndefined();
    expect(s.get('kamflo:epoch:a')).toBe(1700000000000);

    // The next visitor of that epoch is kept across page loads.
    s.set('kamflo:visitor:a', visitor);
    expect(applyEpoch(s, 'a', { 'kamflo:epoch:a': '1700000000000' })).toBe(false);
    expect(s.get('kamflo:visitor:a')).toEqual(visitor);
    // Another site's epoch is not this one's.
    expect(applyEpoch(s, 'a', { 'kamflo:epoch:b': '5', 'kamflo:epoch:a': '1700000000000' })).toBe(false);
  });

  it('agrees with itself when the page keeps the frame its storage (third-party storage denied)', () => {
    const keys = { 'kamflo:epoch:a': '1700000000000', 'kamflo:visitor:a': JSON.stringify(visitor) };
    const s = browserStorage({ ls: null, initial: keys });
    expect(applyEpoch(s, 'a', keys)).toBe(false);
    expect(s.get('kamflo:visitor:a')).toEqual(visitor);
  });
});
