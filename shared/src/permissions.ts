import type { Role } from './agents.ts';
import type { HttpApi } from './api.ts';

/** What each role may do. The server checks every action against this table. */
export const ACTIONS = [
  'chat.handle',
  'ticket.work',
  'ticket.reassign',
  'ticket.approve',
  'sla.configure',
  'agents.manage',
  'tickets.unaddressed',
  'audit.verify',
  'sites.manage',
  /** Help Center: write and edit article drafts, categories and sections. */
  'helpcenter.write',
  /** Help Center: publish and unpublish articles. */
  'helpcenter.publish',
  /** Help Center: switch a site's Help Center on or off, its name, logo and default locale. */
  'helpcenter.configure',
  /** Create, list and revoke API tokens. */
  'api_tokens.manage',
  /** Register outgoing webhooks, read their delivery logs, send tests. */
  'webhooks.manage',
  /** Save views of the ticket list that the whole team sees (and delete shared ones). */
  'views.share',
  /** Connect and disconnect social channels (Telegram bots). */
  'channels.manage',
] as const;
export type Action = (typeof ACTIONS)[number];

export const PERMISSIONS: Record<Role, readonly Action[]> = {
  agent: ['chat.handle', 'ticket.work', 'helpcenter.write'],
  team_lead: ['chat.handle', 'ticket.work', 'ticket.reassign', 'tickets.unaddressed', 'helpcenter.write', 'helpcenter.publish', 'views.share'],
  manager: ['chat.handle', 'ticket.work', 'ticket.reassign', 'ticket.approve', 'tickets.unaddressed', 'helpcenter.write', 'helpcenter.publish', 'views.share'],
  admin: [
    'chat.handle',
    'ticket.work',
    'ticket.reassign',
    'ticket.approve',
    'sla.configure',
    'agents.manage',
    'tickets.unaddressed',
    'audit.verify',
    'sites.manage',
    'helpcenter.write',
    'helpcenter.publish',
    'helpcenter.configure',
    'api_tokens.manage',
    'webhooks.manage',
    'views.share',
    'channels.manage',
  ],
};

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role].includes(action);
}

/** What an API token may be allowed to do; each REST route that tokens may call needs one. */
export const API_SCOPES = ['tickets:read', 'tickets:write', 'chats:read', 'agents:read', 'helpcenter:read', 'helpcenter:write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const API_SCOPE_LABELS: Record<ApiScope, string> = {
  'tickets:read': 'Read tickets and the dashboard',
  'tickets:write': 'Create and change tickets, reply, add notes',
  'chats:read': 'Read conversations',
  'agents:read': 'List agents',
  'helpcenter:read': 'Read Help Center articles and settings',
  'helpcenter:write': 'Write, publish and unpublish Help Center articles',
};

/**
 * The scope an API token needs for each route it may call. A route left out (signing in,
 * settings, notifications, managing agents, sites and tokens) takes a signed-in agent only: a
 * token is refused there with 403. The route's role permission (PERMISSIONS) still applies to
 * the token as to an admin, since only admins create tokens.
 */
export const ROUTE_SCOPES: Partial<Record<keyof HttpApi, ApiScope>> = {
  'GET /api/tickets': 'tickets:read',
  'GET /api/tickets/:number': 'tickets:read',
  'GET /api/tickets/:number/events': 'tickets:read',
  'GET /api/tickets/:number/transcript': 'tickets:read',
  'GET /api/dashboard': 'tickets:read',
  'GET /api/dashboard/weekly': 'tickets:read',
  'POST /api/tickets': 'tickets:write',
  'POST /api/tickets/:number/replies': 'tickets:write',
  'POST /api/tickets/:number/notes': 'tickets:write',
  'POST /api/tickets/:number/resolve': 'tickets:write',
  'POST /api/tickets/:number/status': 'tickets:write',
  'POST /api/tickets/:number/assign': 'tickets:write',
  'POST /api/tickets/:number/priority': 'tickets:write',
  'POST /api/tickets/:number/category': 'tickets:write',
  'POST /api/tickets/:number/tags': 'tickets:write',
  'POST /api/tickets/:number/escalate': 'tickets:write',
  'POST /api/tickets/:number/needs-approval': 'tickets:write',
  'POST /api/tickets/:number/approve': 'tickets:write',
  'POST /api/tickets/:number/deliveries/:id/retry': 'tickets:write',
  'GET /api/conversations/:id': 'chats:read',
  'GET /api/agents': 'agents:read',
  'GET /api/helpcenter/articles': 'helpcenter:read',
  'GET /api/helpcenter/articles/:id': 'helpcenter:read',
  'GET /api/helpcenter/settings': 'helpcenter:read',
  'POST /api/helpcenter/articles': 'helpcenter:write',
  'PUT /api/helpcenter/articles/:id': 'helpcenter:write',
  'POST /api/helpcenter/articles/:id/publish': 'helpcenter:write',
  'POST /api/helpcenter/articles/:id/unpublish': 'helpcenter:write',
  'POST /api/helpcenter/preview': 'helpcenter:write',
};

/** The prefix of every API token's secret, so a leaked one is recognisable (e.g. by secret scanners). */
export const API_TOKEN_PREFIX = 'kf_';

/** What an outgoing webhook may subscribe to. */
export const WEBHOOK_EVENTS = [
  'ticket.created',
  'ticket.updated',
  'ticket.resolved',
  'ticket.reopened',
  'message.created',
  'chat.started',
  'chat.ended',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
