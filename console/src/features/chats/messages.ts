import type { MessageDto } from '@kamflo/shared';
import { contiguousSeq } from '@kamflo/shared/constants';

/** A message as the console shows it: confirmed by the server, or still on its way. */
export interface ChatMessageView extends MessageDto {
  delivery: 'sent' | 'sending' | 'failed';
  /** Why the last attempt failed. */
  error?: string;
}

/**
 * Merges server messages into a conversation's list: one entry per id, ordered by seq,
 * and a local pending message is replaced by the server's copy with the same clientId.
 * Pending messages (no seq yet) stay at the end in the order they were written.
 */
export function mergeMessages(existing: readonly ChatMessageView[], incoming: readonly MessageDto[]): ChatMessageView[] {
  const byId = new Map<string, ChatMessageView>();
  const pending = new Map<string, ChatMessageView>();
  for (const m of existing) {
    if (m.delivery === 'sent') byId.set(m.id, m);
    else pending.set(m.clientId, m);
  }
  for (const m of incoming) {
    byId.set(m.id, { ...m, delivery: 'sent' });
    pending.delete(m.clientId);
  }
  const sent = [...byId.values()].sort((a, b) => a.seq - b.seq);
  return [...sent, ...pending.values()];
}

/** A message the agent just wrote, shown at once while the server confirms it. */
export function pendingMessage(input: { conversationId: string; clientId: string; text: string; authorName?: string; createdAt: string }): ChatMessageView {
  return {
    id: `local:${input.clientId}`,
    seq: Number.POSITIVE_INFINITY,
    author: 'agent',
    delivery: 'sending',
    ...input,
  };
}

/** Updates the pending message with this clientId (no-op once the server confirmed it). */
export function updatePending(list: readonly ChatMessageView[], clientId: string, patch: Pick<ChatMessageView, 'delivery' | 'error'>): ChatMessageView[] {
  return list.map((m) => (m.delivery !== 'sent' && m.clientId === clientId ? { ...m, ...patch } : m));
}

/** The highest confirmed seq (what the agent has seen, for read receipts). */
export function lastSeq(list: readonly ChatMessageView[] | undefined): number | undefined {
  let max: number | undefined;
  for (const m of list ?? []) if (m.delivery === 'sent' && (max === undefined || m.seq > max)) max = m.seq;
  return max;
}

/**
 * The seq to sync after (`chat:sync { afterSeq }`): the end of the unbroken run of confirmed
 * messages from seq 1 (see contiguousSeq), or undefined when none is confirmed yet.
 */
export function syncAfterSeq(list: readonly ChatMessageView[] | undefined): number | undefined {
  const seqs = (list ?? []).filter((m) => m.delivery === 'sent').map((m) => m.seq);
  return seqs.length ? contiguousSeq(seqs) : undefined;
}
