import { Reports } from '../dashboard/Reports.tsx';
import { TicketDetail } from './TicketDetail.tsx';
import { TicketList } from './TicketList.tsx';

/** The ticket list (with the past-due list and weekly chart), or one ticket when the route names it. */
export function TicketsView({ ticket }: { ticket?: number }) {
  return ticket ? (
    <TicketDetail number={ticket} />
  ) : (
    <>
      <TicketList />
      <Reports />
    </>
  );
}
