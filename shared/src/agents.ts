export const ROLES = ['agent', 'team_lead', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role, string> = {
  agent: 'Support agent',
  team_lead: 'Team lead',
  manager: 'Manager',
  admin: 'Admin',
};
