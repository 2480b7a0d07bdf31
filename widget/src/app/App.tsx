import { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { WidgetClient } from './client.ts';
import { ChatPanel, type Prefill } from './Chat.tsx';
import type { FrameBridge, FrameCommand } from './frame.ts';
import { HelpCenter } from './HelpCenter.tsx';
import { I18n, isRtl, translator, type Messages } from './i18n.ts';
import { en } from 'virtual:kamflo-locales';
import { createChatStore, isLive, unreadOf, type ChatStore } from './store.ts';
import { outboxKey, type KeyValue } from './storage.ts';

export type { FrameBridge } from './frame.ts';

export interface AppProps {
  client: WidgetClient;
  storage: KeyValue;
  site: string;
  /** The host page the visitor is on, sent with the first message. */
  page?: string;
  frame?: FrameBridge;
  /**
   * Connect at once (widget.js found the hint of a conversation in progress). Otherwise the frame
   * has no visitor identity and no socket until the visitor first opens it.
   */
  connect?: boolean;
  locale?: string;
  /** The texts of `locale` (main.tsx loads them before the first render). */
  messages?: Messages;
  /** Loads another locale's texts, for `Kamflo('update', { locale })`. */
  loadLocale?: (requested: string) => Promise<{ locale: string; messages: Messages }>;
}

function useStore(store: ChatStore) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => store.subscribe(() => rerender(undefined)), [store]);
  return store.get();
}

/** Calls `report` when `value` changes, not for the value it starts with. */
function useChange<T>(value: T, report: (value: T) => void) {
  const last = useRef(value);
  useEffect(() => {
    if (last.current === value) return;
    last.current = value;
    report(value);
  }, [value]);
}

const TABS = [
  ['chat', 'tabChat'],
  ['help', 'tabHelp'],
] as const;
type Tab = (typeof TABS)[number][0];

export function App({
  client,
  storage,
  site,
  page,
  frame,
  connect = false,
  locale: initialLocale = 'en',
  messages: initialMessages = en,
  loadLocale,
}: AppProps) {
  const localeNow = useRef(initialLocale);
  const store = useMemo(() => createChatStore({ client, storage, site, page, locale: () => localeNow.current }), [client, storage, site, page]);
  const state = useStore(store);
  const [lang, setLang] = useState({ locale: initialLocale, messages: initialMessages });
  localeNow.current = lang.locale;
  const t = useMemo(() => translator(lang.messages), [lang]);
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<Tab>('chat');
  const [prefill, setPrefill] = useState<Prefill>();
  // Connect on intent: the first open, or at once with a conversation in progress.
  const [live, setLive] = useState(connect);
  const panel = useRef<HTMLElement>(null);

  useEffect(() => store.load(), [store]);
  useEffect(() => (live ? store.connect() : undefined), [store, live]);
  // Another tab of this site changed the outbox the tabs share.
  useEffect(() => {
    const changed = (e: StorageEvent) => e.key === outboxKey(site) && store.shared(e.newValue);
    addEventListener('storage', changed);
    return () => removeEventListener('storage', changed);
  }, [store]);

  useEffect(() => {
    const root = document.documentElement;
    root.lang = lang.locale;
    root.dir = isRtl(lang.locale) ? 'rtl' : 'ltr';
  }, [lang.locale]);

  const show = () => {
    setOpen(true);
    setLive(true);
  };
  useEffect(
    () =>
      frame?.onCommand((c: FrameCommand) => {
        if (c.kind === 'open') show();
        else if (c.kind === 'close') setOpen(false);
        else if (c.kind === 'show') {
          show();
          setTab('chat');
          // A new message from the page is a new conversation, not a reply in a ticket's thread.
          const s = store.get();
          if (s.conversation?.status === 'ticket' && !s.reply) store.startNew();
          setPrefill((p) => ({ text: c.text, n: (p?.n ?? 0) + 1 }));
        } else {
          if (c.page) store.setPage(c.page);
          if (c.user) {
            const current = client.user();
            if (current && current.id !== c.user.id)
              console.error("Kamflo: update: to switch users, call Kamflo('shutdown') and then Kamflo('boot', { user })");
            else client.setUser(c.user);
          }
          if (c.locale && loadLocale) void loadLocale(c.locale).then(setLang);
        }
      }),
    [frame, store],
  );

  // The page hears about opening and closing, unread replies, and keeps the hint for its next view.
  useChange(open, (o) => frame?.opened(o));
  const unread = unreadOf(state);
  useChange(unread, (n) => frame?.unread(n));
  const hint: 'live' | 'idle' | undefined = state.synced ? (isLive(state) ? 'live' : 'idle') : undefined;
  useChange(hint, (h) => h && frame?.hint(h));

  useEffect(() => {
    // Opening moves focus into the panel, to the first field of the current tab.
    const tab = '[role=tabpanel]:not([hidden])';
    if (open) (panel.current?.querySelector<HTMLElement>(`${tab} :is(textarea,input)`) ?? panel.current?.querySelector<HTMLElement>(`${tab} button`))?.focus();
  }, [open]);

  // Tabs follow the ARIA pattern: arrow keys move between them, only the selected one is in the tab order.
  const onTabKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next: Tab = tab === 'chat' ? 'help' : 'chat';
    setTab(next);
    panel.current?.querySelector<HTMLElement>(`#kf-tab-${next}`)?.focus();
  };

  const c = state.conversation;
  return (
    <I18n.Provider value={t}>
      <div class="kf">
        {/* Closed, the panel stays mounted but hidden: a half-written message or form survives. */}
        <section
          ref={panel}
          id="kf-panel"
          class="kf-panel"
          hidden={!open}
          aria-label={state.siteName ?? t('support')}
          onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        >
          <header class="kf-head">
            <div>
              <h1>{state.siteName ?? t('support')}</h1>
              <p>
                {c?.status === 'active' && c.agentName ? t('chattingWith', { agent: c.agentName }) : state.agentsOnline === false ? t('away') : t('online')}
              </p>
            </div>
            <button type="button" class="kf-close" aria-label={t('minimize')} onClick={() => setOpen(false)}>
              <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="M6 9l6 6 6-6" />
              </svg>
            </button>
          </header>
          <div class="kf-tabs" role="tablist" aria-label={t('support')} onKeyDown={onTabKey}>
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
                {t(label)}
              </button>
            ))}
          </div>
          {/* Both panels stay mounted (a half-written form survives a tab switch); the hidden one is out of the a11y tree. */}
          <div class="kf-body kf-chat" role="tabpanel" id="kf-tabpanel-chat" aria-labelledby="kf-tab-chat" hidden={tab !== 'chat'}>
            <ChatPanel store={store} state={state} visible={open && tab === 'chat'} prefill={prefill} suggest={state.helpCenter ? client : undefined} />
          </div>
          <div class="kf-body" role="tabpanel" id="kf-tabpanel-help" aria-labelledby="kf-tab-help" hidden={tab !== 'help'}>
            <HelpCenter client={client} emailEnabled={state.emailEnabled === true} articles={state.helpCenter} />
          </div>
        </section>
      </div>
    </I18n.Provider>
  );
}
