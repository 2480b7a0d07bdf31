/**
 * The few Bot API methods Kamflo calls (https://core.telegram.org/bots/api): getMe, setWebhook,
 * deleteWebhook, sendMessage, getFile and file downloads. Every method is
 * `POST <base>/bot<token>/<method>` with a JSON body; the answer is `{ ok: true, result }` or
 * `{ ok: false, error_code, description, parameters? }`, where a 429 carries
 * `parameters.retry_after` (seconds). The bot token is part of every URL, so no URL and no raw
 * error of the HTTP client ever leaves this module: errors are worded here.
 */

export type TelegramCall<T> =
  | { ok: true; result: T }
  | {
      ok: false;
      /** The HTTP status (0: no answer). */
      status: number;
      description: string;
      /** A 429's wait, in seconds. */
      retryAfterSeconds?: number;
      /** Trying again cannot help (a bad token, a blocked bot, a bad request). */
      permanent: boolean;
    };

export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
}

export interface TelegramSentMessage {
  message_id: number;
  date: number;
  chat: { id: number };
}

export interface TelegramFile {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_path?: string;
}

const TIMEOUT_MS = 15_000;

function noAnswer(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return e?.cause?.code ?? 'the connection failed';
}

export function createTelegramApi(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, '');

  async function call<T>(token: string, method: string, params: Record<string, unknown> = {}): Promise<TelegramCall<T>> {
    let res: Response;
    try {
      res = await fetch(`${base}/bot${token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      return { ok: false, status: 0, description: `Could not reach the Telegram API (${noAnswer(err)})`, permanent: false };
    }
    let body: { ok?: boolean; result?: T; error_code?: number; description?: string; parameters?: { retry_after?: number } } = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      // Not JSON: a proxy's error page, say.
    }
    if (res.ok && body.ok === true) return { ok: true, result: body.result as T };
    const status = res.status;
    const description = `Telegram answered ${status}${typeof body.description === 'string' ? `: ${body.description.slice(0, 300)}` : ''}`;
    const retryAfter = body.parameters?.retry_after;
    return {
      ok: false,
      status,
      description,
      ...(status === 429 && typeof retryAfter === 'number' && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
      // 429 and 5xx (and no answer) pass; a refusal of this request or this token does not.
      permanent: status >= 400 && status < 500 && status !== 429,
    };
  }

  return {
    getMe: (token: string) => call<TelegramUser>(token, 'getMe'),
    /** Updates go to `url`, each with the secret in X-Telegram-Bot-Api-Secret-Token. */
    setWebhook: (token: string, url: string, secret: string) =>
      call<true>(token, 'setWebhook', {
        url,
        secret_token: secret,
        allowed_updates: ['message', 'edited_message'],
        drop_pending_updates: false,
      }),
    deleteWebhook: (token: string) => call<true>(token, 'deleteWebhook'),
    sendMessage: (token: string, chatId: string, text: string) => call<TelegramSentMessage>(token, 'sendMessage', { chat_id: chatId, text }),
    getFile: (token: string, fileId: string) => call<TelegramFile>(token, 'getFile', { file_id: fileId }),
    /** A file's bytes (after getFile gave its path); null when Telegram has none. */
    async download(token: string, filePath: string): Promise<Response | null> {
      try {
        const res = await fetch(`${base}/file/bot${token}/${filePath.split('/').map(encodeURIComponent).join('/')}`, {
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        return res.ok ? res : null;
      } catch {
        return null;
      }
    },
  };
}
export type TelegramApi = ReturnType<typeof createTelegramApi>;
