import type { Role } from './agents.ts';

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
] as const;
export type Action = (typeof ACTIONS)[number];

export const PERMISSIONS: Record<Role, readonly Action[]> = {
  agent: ['chat.handle', 'ticket.work'],
  team_lead: ['chat.handle', 'ticket.work', 'ticket.reassign', 'tickets.unaddressed'],
  manager: ['chat.handle', 'ticket.work', 'ticket.reassign', 'ticket.approve', 'tickets.unaddressed'],
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
  ],
};

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role].includes(action);
}
