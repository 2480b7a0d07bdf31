import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, ROLES, type Role } from '@kamflo/shared';
import { startTestServer, type TestServer } from '../test/harness.ts';

// The handbook's roles, cell by cell, through the HTTP API (not just the table).
let s: TestServer;
let people: Record<Role, Awaited<ReturnType<TestServer['createAgent']>>>;
let owner: Awaited<ReturnType<TestServer['createAgent']>>;
/** A team lead whose shared views the others try to delete. */
let sharer: Awaited<ReturnType<TestServer['createAgent']>>;
beforeAll(async () => {
  s = await startTestServer();
  // Password hashing is deliberately slow: create everyone at once.
  const [o, sh, ...rest] = await Promise.all([
    s.createAgent('Owen Owner'),
    s.createAgent('Sharon Sharer', 'team_lead'),
    ...ROLES.map((role) => s.createAgent(`Role ${role}`, role)),
  ]);
  owner = o!;
  sharer = sh!;
  people = Object.fromEntries(ROLES.map((role, i) => [role, rest[i]!])) as typeof people;
}, 120_000);
afterAll(async () => {
  await s.close();
});

const EXPECTED: Record<string, Record<Role, boolean>> = {
  "reassign others' tickets": { agent: false, team_lead: true, manager: true, admin: true },
  approve: { agent: false, team_lead: false, manager: true, admin: true },
  'change SLA settings': { agent: false, team_lead: false, manager: false, admin: true },
  'manage agents': { agent: false, team_lead: false, manager: false, admin: true },
  'invite agents': { agent: false, team_lead: false, manager: false, admin: true },
  'see the unaddressed queue': { agent: false, team_lead: true, manager: true, admin: true },
  'manage API tokens': { agent: false, team_lead: false, manager: false, admin: true },
  'manage webhooks': { agent: false, team_lead: false, manager: false, admin: true },
  'manage social channels': { agent: false, team_lead: false, manager: false, admin: true },
  'share saved views': { agent: false, team_lead: true, manager: true, admin: true },
  "delete others' shared views": { agent: false, team_lead: true, manager: true, admin: true },
};

let counter = 0;
/** A fresh ticket assigned to someone else (Owen). */
async function othersTicket(): Promise<number> {
  const res = await s.api('/api/tickets', {
    cookie: owner.cookie,
    body: { requesterEmail: 'c@example.com', subject: 's', message: 'm', priority: 'low', category: 'general' },
  });
  return res.body.number;
}

const attempt: Record<string, (role: Role) => Promise<number>> = {
  "reassign others' tickets": async (role) => {
    const n = await othersTicket();
    return (await s.api(`/api/tickets/${n}/assign`, { cookie: people[role].cookie, body: { agentId: people[role].id } })).status;
  },
  approve: async (role) => {
    const n = await othersTicket();
    await s.api(`/api/tickets/${n}/needs-approval`, { cookie: owner.cookie, body: { reason: 'refund' } });
    return (await s.api(`/api/tickets/${n}/approve`, { cookie: people[role].cookie, body: {} })).status;
  },
  'change SLA settings': async (role) =>
    (await s.api('/api/settings/sla', { method: 'PUT', cookie: people[role].cookie, body: { critical: 1, high: 4, medium: 24, low: 72 } })).status,
  'manage agents': async (role) =>
    (
      await s.api('/api/agents', {
        cookie: people[role].cookie,
        body: { email: `new${++counter}@example.com`, name: 'New', role: 'agent', password: 'long enough password' },
      })
    ).status,
  'invite agents': async (role) =>
    (await s.api('/api/agents/invite', { cookie: people[role].cookie, body: { email: `invited${++counter}@example.com`, name: 'Invited', role: 'agent' } }))
      .status,
  'see the unaddressed queue': async (role) => (await s.api('/api/tickets?queue=unaddressed', { cookie: people[role].cookie })).status,
  'manage API tokens': async (role) =>
    (await s.api('/api/admin/api-tokens', { cookie: people[role].cookie, body: { name: `Token of ${role}`, scopes: ['tickets:read'] } })).status,
  'share saved views': async (role) =>
    (await s.api('/api/views', { cookie: people[role].cookie, body: { name: `Shared by ${role}`, shared: true, query: { status: 'open' } } })).status,
  "delete others' shared views": async (role) => {
    const view = await s.api('/api/views', { cookie: sharer.cookie, body: { name: `For ${role} to delete`, shared: true, query: {} } });
    expect(view.status).toBe(201);
    return (await s.api(`/api/views/${view.body.id}`, { method: 'DELETE', cookie: people[role].cookie })).status;
  },
  'manage social channels': async (role) => (await s.api('/api/admin/channels', { cookie: people[role].cookie })).status,
  'manage webhooks': async (role) =>
    (await s.api('/api/admin/webhooks', { cookie: people[role].cookie, body: { url: 'https://crm.example/hooks', events: ['ticket.created'] } })).status,
};

describe('roles × actions', () => {
  for (const [action, byRole] of Object.entries(EXPECTED)) {
    for (const role of ROLES) {
      it(`${role} ${byRole[role] ? 'may' : 'may not'} ${action}`, async () => {
        const status = await attempt[action]!(role);
        if (byRole[role]) expect(status).toBeLessThan(300);
        else expect(status).toBe(403);
      });
    }
  }

  it('the shared permission table says the same', () => {
    const actionOf: Record<string, Parameters<typeof can>[1]> = {
      "reassign others' tickets": 'ticket.reassign',
      approve: 'ticket.approve',
      'change SLA settings': 'sla.configure',
      'manage agents': 'agents.manage',
      'invite agents': 'agents.manage',
      'see the unaddressed queue': 'tickets.unaddressed',
      'manage API tokens': 'api_tokens.manage',
      'manage webhooks': 'webhooks.manage',
      'manage social channels': 'channels.manage',
      'share saved views': 'views.share',
      "delete others' shared views": 'views.share',
    };
    for (const [action, byRole] of Object.entries(EXPECTED))
      for (const role of ROLES) expect(can(role, actionOf[action]!), `${role} ${action}`).toBe(byRole[role]);
  });
});
