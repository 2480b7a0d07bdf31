import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { MessageDto } from '@kamflo/shared';
import type { ErrorBody, ErrorCode } from '@kamflo/shared/constants';
import { en, files } from 'virtual:kamflo-locales';

/** Every text of the frame, by key: locales/en.json is the reference. */
export type Messages = typeof en;
export type MessageKey = keyof Messages;
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

// Every error code the server can send has its text (a compile error otherwise).
const errorTexts: Record<`error_${ErrorCode}`, string> = en;
void errorTexts;

export const LOCALES = ['en', ...Object.keys(files)];
const RTL = ['ar'];
export const isRtl = (locale: string) => RTL.includes(locale);

/**
 * widget.js's rule, for `Kamflo('update', { locale })`: the requested language ("de-AT" → "de")
 * when we have it, else the browser's, else English.
 */
export function pickLocale(requested: string | null | undefined, browser = navigator.language): string {
  for (const tag of [requested, browser]) {
    const base = String(tag).split('-')[0]!.toLowerCase();
    if (LOCALES.includes(base)) return base;
  }
  return 'en';
}

/**
 * The texts of one locale: English is in the bundle; any other is one small file, fetched only
 * when that locale is chosen. A missing file or key falls back to English.
 */
export async function loadMessages(locale: string, fetchImpl: typeof fetch = fetch): Promise<Messages> {
  const url = files[locale];
  if (!url) return en;
  try {
    const res = await fetchImpl(url);
    return res.ok ? { ...en, ...(await res.json()) } : en;
  } catch {
    return en;
  }
}

/** `{name}` placeholders are filled from `vars`. */
export function translator(messages: Messages): Translate {
  return (key, vars) => (messages[key] ?? en[key]).replace(/\{(\w+)\}/g, (all, name: string) => (vars?.[name] == null ? all : String(vars[name])));
}

export const I18n = createContext<Translate>(translator(en));
export const useT = () => useContext(I18n);

/** What to tell the visitor about a failure: the widget's own words for the server's code. */
export const errorText = (t: Translate, error: Pick<ErrorBody, 'code'>) =>
  t(`error_${error.code}` in en ? (`error_${error.code}` as MessageKey) : 'error_internal');

/**
 * The server stores system lines as English text (its templates are in server/src/chats/); their
 * client ids say which line each is, so the widget shows its own translation, taking the agent's
 * name out of the template. A line it does not know is shown as the server wrote it.
 */
export function systemText(t: Translate, m: Pick<MessageDto, 'clientId' | 'text'>): string {
  const kind = /^sys_([a-z]+)_(.*)$/.exec(m.clientId);
  const agent = (suffix: string) => (m.text.endsWith(suffix) ? m.text.slice(0, -suffix.length) : undefined);
  switch (kind?.[1]) {
    case 'joined': {
      const name = agent(' joined the chat');
      return name ? t('joined', { agent: name }) : m.text;
    }
    case 'ticket':
      return /^\d+$/.test(kind[2]!) ? t('sysTicket', { number: kind[2]! }) : m.text;
    case 'transfer':
      return t('sysTransfer');
    case 'ended': {
      if (m.text === 'The visitor ended the chat') return t('sysVisitorEnded');
      if (m.text.startsWith('This chat ended after a period of inactivity')) return t('sysIdle');
      const name = agent(' ended the chat');
      return name ? t('sysAgentEnded', { agent: name }) : m.text;
    }
    default:
      return m.text;
  }
}

/** The agent a "joined" system line names (for not repeating it in the notice). */
export const joinedAgent = (m: Pick<MessageDto, 'clientId' | 'text'>) =>
  m.clientId.startsWith('sys_joined_') && m.text.endsWith(' joined the chat') ? m.text.slice(0, -' joined the chat'.length) : undefined;
