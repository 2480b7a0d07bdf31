import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Bot API call as the stand-in received it. */
export interface TelegramApiCall {
  token: string;
  method: string;
  params: Record<string, unknown>;
}

type Answer = { status: number; body: unknown };

/**
 * A local stand-in for api.telegram.org: `POST /bot<token>/<method>` with a JSON body, answered
 * the way the Bot API documents it (`{ ok: true, result }`, or `{ ok: false, error_code,
 * description, parameters? }` with the same HTTP status), and `GET /file/bot<token>/<path>`.
 * It records every call; tests queue answers for a method (errors, 429 with retry_after).
 */
export async function startFakeTelegram() {
  const bots = new Map<string, { id: number; first_name: string; username: string }>();
  const files = new Map<string, { path: string; bytes: Buffer }>();
  const calls: TelegramApiCall[] = [];
  const queued = new Map<string, Answer[]>();
  let nextMessageId = 1000;

  const fail = (status: number, description: string, parameters?: Record<string, unknown>): Answer => ({
    status,
    body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
  });
  const ok = (result: unknown): Answer => ({ status: 200, body: { ok: true, result } });

  function answer(token: string, method: string, params: Record<string, unknown>): Answer {
    const bot = bots.get(token);
    // The Bot API answers an unknown or revoked token with 401 Unauthorized on every method.
    if (!bot) return fail(401, 'Unauthorized');
    const next = queued.get(method)?.shift();
    if (next) return next;
    switch (method) {
      case 'getMe':
        return ok({ id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username, can_join_groups: true });
      case 'setWebhook':
        if (typeof params.url !== 'string' || !params.url.startsWith('http'))
          return fail(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        return ok(true);
      case 'deleteWebhook':
        return ok(true);
      case 'sendMessage': {
        if (typeof params.text !== 'string' || !params.text.trim()) return fail(400, 'Bad Request: message text is empty');
        if (params.text.length > 4096) return fail(400, 'Bad Request: message is too long');
        if (params.chat_id === undefined) return fail(400, 'Bad Request: chat not found');
        return ok({
          message_id: nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(params.chat_id), type: 'private' },
          text: params.text,
        });
      }
      case 'getFile': {
        const f = files.get(String(params.file_id));
        if (!f) return fail(400, 'Bad Request: invalid file_id');
        return ok({ file_id: params.file_id, file_unique_id: `u${params.file_id}`, file_size: f.bytes.length, file_path: f.path });
      }
      default:
        return fail(404, 'Not Found');
    }
  }

  const server = http.createServer((req, res) => {
    const send = (a: Answer) => {
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.body));
    };
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && fileMatch) {
      const f = [...files.values()].find((x) => x.path === decodeURIComponent(fileMatch[2]!));
      if (!bots.has(fileMatch[1]!) || !f) return send(fail(404, 'Not Found'));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': f.bytes.length });
      return void res.end(f.bytes);
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!m) return send(fail(404, 'Not Found'));
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      let params: Record<string, unknown> = {};
      try {
        params = raw ? JSON.parse(raw) : {};
      } catch {
        return send(fail(400, "Bad Request: can't parse JSON"));
      }
      const call = { token: m[1]!, method: m[2]!, params };
      calls.push(call);
      send(answer(call.token, call.method, params));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    calls,
    /** A bot BotFather would have made: its token works from now on. */
    addBot(token: string, bot: { id: number; first_name: string; username: string }) {
      bots.set(token, bot);
    },
    revoke(token: string) {
      bots.delete(token);
    },
    addFile(fileId: string, path: string, bytes: Buffer) {
      files.set(fileId, { path, bytes });
    },
    /** The next call(s) of `method` get these answers, in order. */
    queue(method: string, ...answers: Answer[]) {
      queued.set(method, [...(queued.get(method) ?? []), ...answers]);
    },
    fail,
    tooManyRequests: (retryAfter: number) => fail(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter }),
    sent: (chatId?: string) => calls.filter((c) => c.method === 'sendMessage' && (chatId === undefined || String(c.params.chat_id) === chatId)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;
