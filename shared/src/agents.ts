export const ROLES = ['agent', 'team_lead', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role, string> = {
  agent: 'Support agent',
  team_lead: 'Team lead',
  manager: 'Manager',
  admin: 'Admin',
};

/** Most live chats an admin may allow one agent at once. */
export const AGENT_CAPACITY_MAX = 50;
