import { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { WidgetClient } from './client.ts';
import { ChatPanel } from './Chat.tsx';
import { HelpCenter } from './HelpCenter.tsx';
import { createChatStore, type ChatStore } from './store.ts';
import { outboxKey, type KeyValue } from './storage.ts';

/** The frame's link to the host page (main.tsx posts to the parent window). */
export interface FrameBridge {
  /** The panel opened or closed: the loader resizes the iframe. */
  resize(open: boolean): void;
  /** Commands from the host page (`Kamflo('open')`); returns the unsubscribe function. */
  onCommand(handler: (command: 'open' | 'close') => void): () => void;
}

export interface AppProps {
  client: WidgetClient;
  storage: KeyValue;
  site: string;
  /** The host page the visitor is on, sent with the first message. */
  page?: string;
  frame?: FrameBridge;
}

function useStore(store: ChatStore) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => store.subscribe(() => rerender(undefined)), [store]);
  return store.get();
}

const TABS = [
  ['chat', 'Chat'],
  ['help', 'Help Center'],
] as const;
type Tab = (typeof TABS)[number][0];

export function App({ client, storage, site, page, frame }: AppProps) {
  const store = useMemo(() => createChatStore({ client, storage, site, page }), [client, storage, site, page]);
  const state = useStore(store);
  useEffect(() => store.start(), [store]);
  // Another tab of this site changed the outbox the tabs share.
  useEffect(() => {
    const changed = (e: StorageEvent) => e.key === outboxKey(site) && store.shared(e.newValue);
    addEventListener('storage', changed);
    return () => removeEventListener('storage', changed);
  }, [store]);

  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<Tab>('chat');
  const panel = useRef<HTMLElement>(null);
  const launcher = useRef<HTMLButtonElement>(null);

  useEffect(() => frame?.onCommand((c) => setOpen(c === 'open')), [frame]);
  useEffect(() => {
    frame?.resize(open);
    // Opening moves focus into the panel, to the first field of the current tab.
    if (open) panel.current?.querySelector<HTMLElement>('[role=tabpanel]:not([hidden]) :is(textarea,input,button)')?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    launcher.current?.focus();
  };
  // Tabs follow the ARIA pattern: arrow keys move between them, only the selected one is in the tab order.
  const onTabKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next: Tab = tab === 'chat' ? 'help' : 'chat';
    setTab(next);
    panel.current?.querySelector<HTMLElement>(`#kf-tab-${next}`)?.focus();
  };

  return (
    <div class={open ? 'kf kf-open' : 'kf'}>
      {/* Closed, the panel stays mounted but hidden: a half-written message or form survives. */}
      <section
        ref={panel}
        id="kf-panel"
        class="kf-panel"
        hidden={!open}
        aria-label={state.siteName ?? 'Support'}
        onKeyDown={(e) => e.key === 'Escape' && close()}
      >
        <header class="kf-head">
          <h1>{state.siteName ?? 'Support'}</h1>
          <p>
            {state.conversation?.status === 'active' && state.conversation.agentName
              ? `Chatting with ${state.conversation.agentName}`
              : state.agentsOnline === false
                ? "We're away right now"
                : "We're online"}
          </p>
        </header>
        <div class="kf-tabs" role="tablist" aria-label="Support" onKeyDown={onTabKey}>
          {TABS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`kf-tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`kf-tabpanel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
        {/* Both panels stay mounted (a half-written form survives a tab switch); the hidden one is out of the a11y tree. */}
        <div class="kf-body kf-chat" role="tabpanel" id="kf-tabpanel-chat" aria-labelledby="kf-tab-chat" hidden={tab !== 'chat'}>
          <ChatPanel store={store} state={state} visible={open && tab === 'chat'} />
        </div>
        <div class="kf-body" role="tabpanel" id="kf-tabpanel-help" aria-labelledby="kf-tab-help" hidden={tab !== 'help'}>
          <HelpCenter client={client} emailEnabled={state.emailEnabled === true} />
        </div>
      </section>
      <button
        ref={launcher}
        type="button"
        class="kf-launcher"
        aria-expanded={open}
        aria-controls="kf-panel"
        aria-label={open ? 'Close chat' : 'Open chat'}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
          <path
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
            stroke-linejoin="round"
            d={open ? 'M6 6l12 12M18 6L6 18' : 'M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z'}
          />
        </svg>
      </button>
    </div>
  );
}
