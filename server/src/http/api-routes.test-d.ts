// Type-level tests, checked by `pnpm typecheck` (never run): a route the server declares must be
// in HttpApi, parse the body HttpApi declares, and answer with HttpApi's response type.
import { z } from 'zod';
import { objectId, ticketNumberParam, ticketTextInput } from '@kamflo/shared';
import type { DeclareRoute } from './api-routes.ts';

declare const route: DeclareRoute;

route('POST /api/tickets/:number/notes', {
  summary: 'ok',
  access: 'agent',
  params: { number: ticketNumberParam },
  body: ticketTextInput,
  handle: async ({ params, body, agent }) => {
    params.number satisfies number;
    body.text satisfies string;
    agent.role satisfies string;
    return {} as never;
  },
});

// @ts-expect-error not a route of HttpApi
route('POST /api/tickets/:number/forward', { summary: 'x', access: 'agent', params: { number: ticketNumberParam }, handle: () => ({}) });

route('GET /api/notifications', {
  summary: 'x',
  access: 'agent',
  // @ts-expect-error the response must be NotificationDto[]
  handle: async () => ({ notifications: [] }),
});

// @ts-expect-error a route with a path parameter must say how to parse it
route('GET /api/tickets/:number', { summary: 'x', access: 'agent', handle: () => ({}) as never });

route('POST /api/tickets/:number/replies', {
  summary: 'x',
  access: 'agent',
  params: { number: ticketNumberParam },
  // @ts-expect-error this body schema doesn't accept HttpApi's { text } body
  body: z.strictObject({ message: z.string() }),
  handle: () => ({}) as never,
});

route('POST /api/tickets/:number/replies', {
  summary: 'x',
  access: 'agent',
  params: { number: ticketNumberParam },
  // @ts-expect-error a strict schema that lacks a declared field would refuse what clients send
  body: z.strictObject({}),
  handle: () => ({}) as never,
});

// @ts-expect-error HttpApi declares a body for this route
route('POST /api/tickets/:number/notes', { summary: 'x', access: 'agent', params: { number: ticketNumberParam }, handle: () => ({}) as never });

route('POST /api/notifications/:id/read', {
  summary: 'x',
  access: 'public',
  params: { id: objectId },
  // @ts-expect-error only agent routes know the agent
  handle: ({ agent }) => agent,
});
