import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { EVERY_ROUTE } from '../test/every-route.ts';
import { openApiPath } from './openapi.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ email: false });
});
afterAll(async () => {
  await s.close();
});

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document with every route of HttpApi, its parameters and body schemas', async () => {
    const res = await s.api('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');

    for (const key of Object.keys(EVERY_ROUTE)) {
      const [method, path] = key.split(' ') as [string, string];
      const op = doc.paths[openApiPath(path)]?.[method.toLowerCase()];
      expect(op, key).toBeDefined();
      const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      expect(op.parameters?.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name) ?? [], key).toEqual(names);
    }
    const count = Object.values(doc.paths).reduce((n: number, ops) => n + Object.keys(ops as object).length, 0);
    expect(count).toBe(Object.keys(EVERY_ROUTE).length);

    // The body schema is the zod schema's: required fields, limits and patterns included.
    const signIn = doc.paths['/api/auth/sign-in'].post.requestBody.content['application/json'].schema;
    expect(signIn).toMatchObject({ type: 'object', required: expect.arrayContaining(['email', 'password']), additionalProperties: false });
    const list = doc.paths['/api/tickets'].get.parameters;
    expect(list.find((p: { name: string }) => p.name === 'status')).toMatchObject({
      in: 'query',
      required: false,
      schema: { enum: expect.arrayContaining(['open']) },
    });
    expect(doc.paths['/api/tickets/{number}'].get.security).toEqual(expect.arrayContaining([{ session: [] }]));
    expect(doc.paths['/api/visitors'].post.security).toEqual([]);
  });

  it('the reference page lists every route, with no script', async () => {
    const res = await fetch(`${s.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    for (const key of Object.keys(EVERY_ROUTE)) expect(html, key).toContain(`<code>${openApiPath(key.split(' ')[1]!)}</code>`);
  });
});
