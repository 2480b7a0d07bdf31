import { can } from '@kamflo/shared/constants';
import { useAppStore } from '../../app-context.tsx';
import { Reports } from '../dashboard/Reports.tsx';
import { TicketSettings } from './TicketSettings.tsx';
import { EmailSettings } from '../email/EmailSettings.tsx';
import { ApiTokens } from '../api-tokens/ApiTokens.tsx';
import { Webhooks } from '../webhooks/Webhooks.tsx';
import { Channels } from '../channels/Channels.tsx';
import { Agents } from '../agents/Agents.tsx';
import { IdentitySettings } from '../identity/IdentitySettings.tsx';
import { TicketDetail } from './TicketDetail.tsx';
import { TicketList } from './TicketList.tsx';

/** The ticket list (with the past-due list, weekly chart and, for admins, SLA and email settings, API tokens, webhooks and agents), or one ticket when the route names it. */
export function TicketsView({ ticket }: { ticket?: number }) {
  const me = useAppStore((s) => s.agent);
  return ticket ? (
    <TicketDetail number={ticket} />
  ) : (
    <>
      <TicketList />
      <Reports />
      {me && can(me.role, 'sla.configure') && <TicketSettings />}
      {me && can(me.role, 'sla.configure') && <EmailSettings />}
      {me && can(me.role, 'api_tokens.manage') && <ApiTokens />}
      {me && can(me.role, 'webhooks.manage') && <Webhooks />}
      {me && can(me.role, 'channels.manage') && <Channels />}
      {me && can(me.role, 'sites.manage') && <IdentitySettings />}
      {me && can(me.role, 'agents.manage') && <Agents />}
    </>
  );
}
