import { describe, expect, it } from 'vitest';
import { ApiError, buildPath, createHttpApi, errorMessage } from './api.ts';

function fakeFetch(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return respond(url, init);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('createHttpApi', () => {
  it('fills path params, sends JSON with the session cookie and returns the body', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { number: 1001 }));
    const api = createHttpApi({ fetch });

    const res = await api.call('POST /api/tickets/:number/notes', { params: { number: 1001 }, body: { text: 'Hi' } });

    expect(res).toEqual({ number: 1001 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/api/tickets/1001/notes');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.credentials).toBe('same-origin');
    expect(calls[0]!.init.body).toBe('{"text":"Hi"}');
    expect((calls[0]!.init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('adds defined query values and sends no body on GET', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, []));
    const api = createHttpApi({ fetch });

    await api.call('GET /api/tickets', { query: { status: 'open' } });
    await api.call('GET /api/tickets', { query: { status: undefined } });

    expect(calls.map((c) => c.url)).toEqual(['/api/tickets?status=open', '/api/tickets']);
    expect(calls[0]!.init.body).toBeUndefined();
  });

  it('throws the server error body as an ApiError', async () => {
    const { fetch } = fakeFetch(() =>
      json(400, { error: { code: 'bad_request', message: 'Invalid request', issues: [{ path: 'closingMessage', message: 'must not be empty' }] } }),
    );
    const api = createHttpApi({ fetch });

    const error = await api.call('POST /api/tickets/:number/resolve', { params: { number: 7 }, body: { closingMessage: '' } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'bad_request', message: 'Invalid request' });
    expect(errorMessage(error)).toBe('Closing message must not be empty');
  });

  it('turns a network failure or a non-JSON error into a readable ApiError', async () => {
    const down = createHttpApi({ fetch: fakeFetch(() => Promise.reject(new TypeError('Failed to fetch'))).fetch });
    await expect(down.call('GET /api/auth/me')).rejects.toMatchObject({ status: 0, code: 'unavailable' });

    const proxy = createHttpApi({ fetch: fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502 })).fetch });
    await expect(proxy.call('GET /api/auth/me')).rejects.toMatchObject({ status: 502, code: 'internal' });
  });

  it('encodes path parameters', () => {
    expect(buildPath('/api/conversations/:id/ticket', { id: 'a/b?c' })).toBe('/api/conversations/a%2Fb%3Fc/ticket');
    expect(() => buildPath('/api/tickets/:number', {})).toThrow(/number/);
  });
});
