import { vi } from 'vitest';
import { act } from '@testing-library/preact';
import type { MessageDto, VisitorConversationDto } from '@kamflo/shared';
import type { ClientEvents, WidgetClient } from '../app/client.ts';
import type { KeyValue } from '../app/storage.ts';

const ok = <T>(data: T) => ({ ok: true as const, data });

/** A WidgetClient backed by a tiny in-memory server: it stores messages once per clientId, like the real one. */
export function createFakeClient({ agentsOnline = true } = {}) {
  let conversation: VisitorConversationDto | null = null;
  const messages: MessageDto[] = [];
  let seq = 0;
  let events: ClientEvents | undefined;
  let connected = false;

  const store = (m: Pick<MessageDto, 'clientId' | 'author' | 'text'> & { authorName?: string }): MessageDto => {
    const existing = messages.find((x) => x.clientId === m.clientId);
    if (existing) return existing;
    seq += 1;
    const message: MessageDto = {
      id: `m${seq}`,
      conversationId: conversation!.id,
      seq,
      createdAt: new Date(2026, 0, 1, 12, seq).toISOString(),
      ...m,
    };
    messages.push(message);
    return message;
  };
  const down = () => ({ ok: false as const, error: { code: 'unavailable' as const, message: 'Not connected' } });

  const client = {
    status: vi.fn<WidgetClient['status']>(async () => ok({ site: 'default', siteName: 'Acme Support', agentsOnline })),
    connect: vi.fn<WidgetClient['connect']>((e: ClientEvents) => {
      events = e;
      return () => {
        events = undefined;
      };
    }),
    start: vi.fn<WidgetClient['start']>(async (input) => {
      if (!connected) return down();
      conversation ??= { id: 'c'.repeat(24), status: 'queued', createdAt: new Date(2026, 0, 1).toISOString() };
      const message = store({ clientId: input.clientId, author: 'visitor', text: input.text });
      return ok({ conversation, message });
    }),
    send: vi.fn<WidgetClient['send']>(async (input) => {
      if (!connected) return down();
      return ok(store({ clientId: input.clientId, author: 'visitor', text: input.text }));
    }),
    sync: vi.fn<WidgetClient['sync']>(async (input) => {
      if (!connected) return down();
      return ok({ conversation, messages: messages.filter((m) => m.seq > (input.afterSeq ?? 0)) });
    }),
    leaveMessage: vi.fn<WidgetClient['leaveMessage']>(async () => ok({ ticketNumber: 1003 })),
    submitRequest: vi.fn<WidgetClient['submitRequest']>(async () => ok({ ticketNumber: 1002 })),
  } satisfies WidgetClient;

  const server = {
    get conversation() {
      return conversation;
    },
    messages,
    /** The socket (re)connects. */
    connect: () =>
      act(() => {
        connected = true;
        events!.connect();
      }),
    disconnect: () =>
      act(() => {
        connected = false;
        events!.disconnect();
      }),
    /** The server changes the conversation and tells the widget. */
    update: (patch: Partial<VisitorConversationDto>) =>
      act(() => {
        conversation = { ...conversation!, ...patch };
        events!.updated(conversation);
      }),
    /** Stores a message (e.g. from an agent) and pushes it to the widget. */
    say: (m: Pick<MessageDto, 'author' | 'text'> & { authorName?: string }) =>
      act(() => {
        events!.message(store({ clientId: `srv_${seq + 1}`, ...m }));
      }),
    /** Pushes a message as is (to test duplicates). */
    push: (m: MessageDto) => act(() => events!.message(m)),
    availability: (online: boolean) => act(() => events!.availability(online)),
  };
  return { client, server };
}

/** A KeyValue in memory, shared between renders to play a page reload. */
export function memoryStorage(): KeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: <T>(k: string) => (data.has(k) ? (JSON.parse(data.get(k)!) as T) : undefined),
    set: (k, v) => void data.set(k, JSON.stringify(v)),
    remove: (k) => void data.delete(k),
  };
}
