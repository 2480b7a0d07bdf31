import { describe, expect, it } from 'vitest';
import { message } from '../../test/fakes.ts';
import { lastSeq, mergeMessages, pendingMessage, updatePending } from './messages.ts';

const seqs = (list: { seq: number }[]) => list.map((m) => m.seq);

describe('mergeMessages', () => {
  it('keeps one copy per id, ordered by seq', () => {
    const merged = mergeMessages(mergeMessages([], [message(3), message(1)]), [message(2), message(3), message(1), message(7)]);
    expect(seqs(merged)).toEqual([1, 2, 3, 7]);
  });

  it('replaces a pending message by the server copy with the same clientId and keeps others pending at the end', () => {
    const a = pendingMessage({ conversationId: 'c', clientId: 'aaaaaaaa', text: 'A', createdAt: '2025-01-01T00:00:00Z' });
    const b = pendingMessage({ conversationId: 'c', clientId: 'bbbbbbbb', text: 'B', createdAt: '2025-01-01T00:00:01Z' });
    const list = mergeMessages([a, b], [message(1)]);
    expect(list.map((m) => m.text)).toEqual(['Message 1', 'A', 'B']);

    const confirmed = mergeMessages(list, [message(2, { author: 'agent', clientId: 'aaaaaaaa', text: 'A' })]);
    expect(confirmed.map((m) => [m.text, m.delivery])).toEqual([
      ['Message 1', 'sent'],
      ['A', 'sent'],
      ['B', 'sending'],
    ]);
    expect(lastSeq(confirmed)).toBe(2);
  });

  it('marks only pending messages as failed', () => {
    const a = pendingMessage({ conversationId: 'c', clientId: 'aaaaaaaa', text: 'A', createdAt: '2025-01-01T00:00:00Z' });
    const list = updatePending([mergeMessages([], [message(1, { clientId: 'aaaaaaaa' })])[0]!, a], 'aaaaaaaa', {
      delivery: 'failed',
      error: 'timeout',
    });
    expect(list.map((m) => m.delivery)).toEqual(['sent', 'failed']);
    expect(lastSeq([])).toBeUndefined();
  });
});

describe('syncAfterSeq', () => {
  it('syncs after the unbroken run from seq 1, so a message stored but never pushed is fetched', async () => {
    const { syncAfterSeq } = await import('./messages.ts');
    const sent = (seq: number) => ({ id: `m${seq}`, seq, delivery: 'sent' }) as never;
    expect(syncAfterSeq([sent(1), sent(2), sent(4)])).toBe(2);
    expect(syncAfterSeq([sent(1), sent(2), sent(3)])).toBe(3);
    expect(syncAfterSeq([])).toBeUndefined();
  });
});
