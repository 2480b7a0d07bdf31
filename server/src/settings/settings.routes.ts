import { alertRulesInput, slaSettingsInput } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { SettingsService } from './settings.service.ts';

/** Any agent may read the settings; changing them needs sla.configure (admins). */
export function settingsRoutes(route: DeclareRoute, deps: { settings: SettingsService }) {
  const { settings } = deps;
  route('GET /api/settings/sla', {
    summary: 'SLA windows (hours per priority)',
    access: 'agent',
    permission: 'ticket.work',
    handle: () => settings.getSla(),
  });
  route('PUT /api/settings/sla', {
    summary: 'Change the SLA windows (admins)',
    access: 'agent',
    permission: 'sla.configure',
    body: slaSettingsInput,
    handle: ({ body }) => settings.setSla(body),
  });
  route('GET /api/settings/alert-rules', {
    summary: 'SLA alert rules',
    access: 'agent',
    permission: 'ticket.work',
    handle: async () => ({ rules: await settings.getAlertRules() }),
  });
  route('PUT /api/settings/alert-rules', {
    summary: 'Replace the SLA alert rules (admins)',
    access: 'agent',
    permission: 'sla.configure',
    body: alertRulesInput,
    handle: async ({ body }) => ({ rules: await settings.setAlertRules(body) }),
  });
}
