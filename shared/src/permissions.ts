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
  /** Help Center: write and edit article drafts, categories and sections. */
  'helpcenter.write',
  /** Help Center: publish and unpublish articles. */
  'helpcenter.publish',
  /** Help Center: switch a site's Help Center on or off, its name, logo and default locale. */
  'helpcenter.configure',
] as const;
export type Action = (typeof ACTIONS)[number];

export const PERMISSIONS: Record<Role, readonly Action[]> = {
  agent: ['chat.handle', 'ticket.work', 'helpcenter.write'],
  team_lead: ['chat.handle', 'ticket.work', 'ticket.reassign', 'tickets.unaddressed', 'helpcenter.write', 'helpcenter.publish'],
  manager: ['chat.handle', 'ticket.work', 'ticket.reassign', 'ticket.approve', 'tickets.unaddressed', 'helpcenter.write', 'helpcenter.publish'],
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
  ],
};

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role].includes(action);
}
