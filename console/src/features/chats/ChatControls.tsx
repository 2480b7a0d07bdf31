import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgentPresenceDto, ConversationDto } from '@kamflo/shared';
import { useAppStore } from '../../app-context.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { seesTeam } from '../presence/presence.slice.ts';
import { FormFooter } from '../../ui/fields.tsx';

const NO_AGENTS: AgentPresenceDto[] = [];
const QUEUE = '';
/** The server's limit on a handoff note. */
const MAX_NOTE_LENGTH = 2000;

/**
 * Hands the chat to an online colleague (who accepts or declines) or back to the queue, with a
 * required internal note. Colleagues come from the presence list: live for leads, loaded when the
 * dialog opens for everyone else.
 */
export function TransferDialog({ chat, onClose }: { chat: ConversationDto; onClose: () => void }) {
  const me = useAppStore((s) => s.agent);
  const team = useAppStore((s) => s.team ?? NO_AGENTS);
  const loadTeam = useAppStore((s) => s.loadTeam);
  const transferChat = useAppStore((s) => s.transferChat);
  const [to, setTo] = useState(QUEUE);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const noteInput = useRef<HTMLTextAreaElement>(null);
  const colleagues = team.filter((a) => a.id !== me?.id && a.status === 'online');

  useEffect(() => {
    noteInput.current?.focus();
    if (!seesTeam(me?.role)) void loadTeam();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!note.trim()) {
      setError('Write a handoff note: the next agent needs to know where things stand.');
      noteInput.current?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    const result = await transferChat(chat.id, { toAgentId: to || undefined, note: note.trim() });
    // On success the chat leaves this console and the dialog with it.
    if (!result.ok) {
      setSaving(false);
      setError(result.message);
    }
  };

  return (
    <div
      class="panel"
      role="dialog"
      aria-labelledby="transfer-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h3 id="transfer-title">Transfer chat</h3>
      <p class="muted small">The handoff note is internal: only agents see it, never {chat.visitorName}.</p>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for="transfer-to">Transfer to</label>
          <select id="transfer-to" value={to} onChange={(e) => setTo(e.currentTarget.value)}>
            <option value={QUEUE}>Back to the queue</option>
            {colleagues.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.activeChats} / {a.capacity} chats)
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="transfer-note">Handoff note</label>
          <textarea
            id="transfer-note"
            ref={noteInput}
            rows={3}
            required
            aria-required="true"
            aria-invalid={error !== null && !note.trim() ? 'true' : undefined}
            maxLength={MAX_NOTE_LENGTH}
            value={note}
            placeholder="What was asked, what you tried, what is promised"
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </div>
        <FormFooter error={error} saving={saving} submit="Transfer" onCancel={onClose} />
      </form>
    </div>
  );
}

/**
 * Confirms "End chat". The pane hides its End chat button meanwhile, so there is one End chat
 * button at a time (this one).
 */
export function EndChatConfirm({ chat, onClose }: { chat: ConversationDto; onClose: () => void }) {
  const endChat = useAppStore((s) => s.endChat);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);

  useEffect(() => confirmButton.current?.focus(), []);

  const confirm = async () => {
    setSaving(true);
    setError(null);
    const result = await endChat(chat.id);
    setSaving(false);
    // On success the chat is ended and the pane drops this panel.
    if (!result.ok) setError(result.message);
  };
  return (
    <div
      class="panel confirm"
      role="alertdialog"
      aria-labelledby="end-title"
      aria-describedby="end-desc"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h3 id="end-title" class="visually-hidden">
        End chat
      </h3>
      <p id="end-desc">End the chat with {chat.visitorName}? They are told it has ended.</p>
      <div class="actions">
        <button type="button" class="button danger" ref={confirmButton} disabled={saving} onClick={() => void confirm()}>
          End chat
        </button>
        <button type="button" class="button ghost" onClick={onClose}>
          Keep chatting
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          Couldn't end the chat: {error}
        </p>
      )}
    </div>
  );
}

/** Notes from earlier agents' transfers: internal, never shown to the visitor. */
export function HandoffNotes({ chat }: { chat: ConversationDto }) {
  const notes = chat.handoffNotes ?? [];
  if (notes.length === 0) return null;
  return (
    <section class="handoff-notes internal" aria-label="Handoff notes">
      <h3 class="subtitle">
        Handoff notes <span class="badge internal">Internal</span> <span class="muted small">Only agents see these</span>
      </h3>
      <ul>
        {notes.map((n, i) => (
          <li key={`${n.at}-${i}`}>
            <strong>{n.by}</strong> <time dateTime={n.at}>{formatDateTime(n.at)}</time>
            <p>{n.text}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
