import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { TicketDetailDto } from '@kamflo/shared';
import type { Role } from '@kamflo/shared/constants';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith, selectOption, type TestApp } from '../../test/render.tsx';
import { agent, apiError, iso, ticket, ticketDetail } from '../../test/fakes.ts';

const MIN = 60_000;
const lead = { id: 'f'.repeat(24), name: 'Lena Lead', email: 'lena@example.com', role: 'team_lead' as Role };

function openTicket(detail: TicketDetailDto = ticketDetail(), role: Role = 'agent'): TestApp {
  const app = createConsoleApp();
  if (role !== 'agent') app.store.setState({ agent: { ...agent, role } });
  app.api.routes['GET /api/tickets/:number'] = () => detail;
  app.store.getState().navigate({ view: 'tickets', ticket: detail.number });
  renderWith(app, <Shell />);
  return app;
}
const article = () => screen.getByRole('article', { name: /#1001/ });

describe('Ticket view: handbook controls', () => {
  it('shows the level, and Priority and Category save on change', async () => {
    const detail = ticketDetail();
    const app = openTicket(detail);
    app.api.routes['POST /api/tickets/:number/priority'] = ({ body }) => ({ ...detail, priority: body.priority, slaDueAt: iso(-50 * MIN) });
    app.api.routes['POST /api/tickets/:number/category'] = () => {
      throw apiError(409, 'illegal_transition', "A closed ticket's category can't change");
    };
    await screen.findByRole('region', { name: 'Timeline' });
    expect(within(article()).getByText('L1 · Support agents')).toBeTruthy();
    expect(within(article()).getByText('2h 10m left')).toBeTruthy();

    selectOption(within(article()).getByRole('combobox', { name: 'Priority' }), 'critical');
    await waitFor(() => expect(within(article()).getByText('50m overdue')).toBeTruthy());
    expect(app.api.callsTo('POST /api/tickets/:number/priority')).toEqual([{ params: { number: 1001 }, body: { priority: 'critical' } }]);

    selectOption(within(article()).getByRole('combobox', { name: 'Category' }), 'bug');
    expect((await within(article()).findByRole('alert')).textContent).toContain("category can't change");
  });

  it('Escalate opens the checklist; the server names what is missing; a complete one escalates', async () => {
    const detail = ticketDetail();
    const app = openTicket(detail);
    app.api.routes['POST /api/tickets/:number/escalate'] = ({ body }) => {
      if (!body.tried) throw apiError(400, 'bad_request', "Can't escalate yet. Missing: what was already tried; the customer's context");
      return {
        ...detail,
        level: 'L2',
        events: [
          ...detail.events,
          {
            id: 'e9',
            seq: 9,
            type: 'escalated',
            actor: { kind: 'agent', name: agent.name },
            text: 'Escalated L1 → L2',
            data: { from: 'L1', to: 'L2' },
            at: iso(0),
          },
        ],
      };
    };
    await screen.findByRole('region', { name: 'Timeline' });
    fireEvent.click(within(article()).getByRole('button', { name: 'Escalate' }));
    const dialog = screen.getByRole('dialog', { name: 'Escalate' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Escalate to L2' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe("Can't escalate yet. Missing: what was already tried; the customer's context");

    fireEvent.input(within(dialog).getByRole('textbox', { name: 'What was tried' }), { target: { value: 'Retried with another card' } });
    fireEvent.input(within(dialog).getByRole('textbox', { name: 'Customer context' }), { target: { value: 'Pro plan, error PAY-502' } });
    selectOption(within(dialog).getByRole('combobox', { name: 'Next step' }), 'investigate');
    fireEvent.input(within(dialog).getByRole('textbox', { name: 'What the next level must do' }), { target: { value: 'Check gateway logs' } });
    selectOption(within(dialog).getByRole('combobox', { name: 'Priority' }), 'critical');
    selectOption(within(dialog).getByRole('combobox', { name: 'Category' }), 'bug');
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Send the default update' }));
    expect((within(dialog).getByRole('textbox', { name: 'Customer update' }) as HTMLTextAreaElement).value).toContain('technical team');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Escalate to L2' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Escalate' })).toBeNull());
    expect(within(article()).getByText('L2 · Technical team')).toBeTruthy();
    expect(app.api.callsTo('POST /api/tickets/:number/escalate').at(-1)!.body).toEqual({
      tried: 'Retried with another card',
      customerContext: 'Pro plan, error PAY-502',
      nextStep: 'investigate',
      nextStepDetails: 'Check gateway logs',
      priority: 'critical',
      category: 'bug',
      useDefaultCustomerUpdate: true,
    });
    const note = within(screen.getByRole('region', { name: 'Timeline' })).getByText('Escalated L1 → L2');
    expect(note.closest('li')!.textContent).toContain('Only your team sees this');
  });

  it('no Escalate at L3', async () => {
    openTicket(ticketDetail({ level: 'L3' }));
    await screen.findByRole('region', { name: 'Timeline' });
    expect(within(article()).queryByRole('button', { name: 'Escalate' })).toBeNull();
    expect(within(article()).getByText('L3 · Management')).toBeTruthy();
  });

  it('an agent takes an unassigned ticket with Assign', async () => {
    const detail = ticketDetail({ assignee: undefined });
    const app = openTicket(detail);
    app.api.routes['POST /api/tickets/:number/assign'] = () => ({ ...detail, assignee: { id: agent.id, name: agent.name } });
    await screen.findByRole('region', { name: 'Timeline' });
    expect((within(article()).getByRole('combobox', { name: 'Assignee' }) as HTMLSelectElement).value).toBe(agent.id);
    fireEvent.click(within(article()).getByRole('button', { name: 'Assign' }));
    await waitFor(() => expect(app.api.callsTo('POST /api/tickets/:number/assign')).toEqual([{ params: { number: 1001 }, body: { agentId: agent.id } }]));
    // Assigned to me now: an agent has nothing more to assign.
    await waitFor(() => expect(within(article()).queryByRole('button', { name: 'Assign' })).toBeNull());
  });

  it('a team lead reassigns to anyone', async () => {
    const detail = ticketDetail();
    const app = createConsoleApp();
    app.store.setState({ agent: lead });
    app.api.routes['GET /api/agents'] = () => [agent, lead, { id: 'e'.repeat(24), name: 'Bob', email: 'bob@example.com', role: 'agent' }];
    app.api.routes['GET /api/tickets/:number'] = () => detail;
    app.api.routes['POST /api/tickets/:number/assign'] = ({ body }) => ({ ...detail, assignee: { id: body.agentId, name: 'Bob' } });
    app.store.getState().navigate({ view: 'tickets', ticket: 1001 });
    renderWith(app, <Shell />);
    await screen.findByRole('region', { name: 'Timeline' });
    const select = await within(article()).findByRole('combobox', { name: 'Assignee' });
    await waitFor(() =>
      expect(
        within(select)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['Lena Lead (me)', 'Bob']),
    );
    selectOption(select, 'e'.repeat(24));
    fireEvent.click(within(article()).getByRole('button', { name: 'Assign' }));
    await waitFor(() => expect(app.api.callsTo('POST /api/tickets/:number/assign')).toEqual([{ params: { number: 1001 }, body: { agentId: 'e'.repeat(24) } }]));
  });

  it('a ticket needing approval hides Resolve; managers see Approve, agents do not', async () => {
    const detail = ticketDetail({ needsApproval: true, approvalReason: 'Refund above 500 EUR' });
    openTicket(detail);
    await screen.findByRole('region', { name: 'Timeline' });
    expect(within(article()).getByText(/Refund above 500 EUR/)).toBeTruthy();
    expect(within(article()).queryByRole('button', { name: 'Resolve' })).toBeNull();
    expect(within(article()).queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('a manager approves, then Resolve comes back', async () => {
    const detail = ticketDetail({ needsApproval: true, approvalReason: 'Refund above 500 EUR' });
    const app = openTicket(detail, 'manager');
    app.api.routes['POST /api/tickets/:number/approve'] = () => ({ ...detail, needsApproval: undefined, approvedBy: { id: agent.id, name: 'Max Manager' } });
    await screen.findByRole('region', { name: 'Timeline' });
    fireEvent.click(within(article()).getByRole('button', { name: 'Approve' }));
    await within(article()).findByRole('button', { name: 'Resolve' });
    expect(within(article()).getByText('Approved by Max Manager')).toBeTruthy();
    expect(app.api.callsTo('POST /api/tickets/:number/approve')).toEqual([{ params: { number: 1001 }, body: {} }]);
  });

  it('asks for approval with a reason, and closes with a reason', async () => {
    const detail = ticketDetail();
    const app = openTicket(detail);
    app.api.routes['POST /api/tickets/:number/needs-approval'] = ({ body }) => ({ ...detail, needsApproval: true, approvalReason: body.reason });
    app.api.routes['POST /api/tickets/:number/status'] = ({ body }) => ({ ...detail, status: body.to });
    await screen.findByRole('region', { name: 'Timeline' });

    fireEvent.click(within(article()).getByRole('button', { name: 'Request approval' }));
    const ask = screen.getByRole('dialog', { name: 'Request approval' });
    fireEvent.input(within(ask).getByRole('textbox', { name: 'Why approval is needed' }), { target: { value: 'Goodwill credit' } });
    fireEvent.click(within(ask).getByRole('button', { name: 'Request approval' }));
    await within(article()).findByText(/Goodwill credit/);

    fireEvent.click(within(article()).getByRole('button', { name: 'Close' }));
    const close = screen.getByRole('dialog', { name: 'Close ticket' });
    fireEvent.input(within(close).getByRole('textbox', { name: 'Reason for closing' }), { target: { value: 'Duplicate of #1000' } });
    fireEvent.click(within(close).getByRole('button', { name: 'Close ticket' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Close ticket' })).toBeNull());
    expect(within(article()).getByText('Closed', { selector: '.badge' })).toBeTruthy();
    expect(app.api.callsTo('POST /api/tickets/:number/status')).toEqual([{ params: { number: 1001 }, body: { to: 'closed', reason: 'Duplicate of #1000' } }]);
    expect(within(article()).queryByRole('button', { name: 'Close' })).toBeNull();
  });
});

describe('Ticket list: filters and new tickets', () => {
  it('sends each filter to the server; the Unaddressed queue is offered to leads only', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/tickets'] = () => ({ tickets: [ticket()] });
    app.store.getState().navigate({ view: 'tickets' });
    renderWith(app, <Shell />);
    const filters = await screen.findByRole('group', { name: 'Filters' });
    selectOption(within(filters).getByRole('combobox', { name: 'Priority' }), 'critical');
    selectOption(within(filters).getByRole('combobox', { name: 'Level' }), 'L2');
    selectOption(within(filters).getByRole('combobox', { name: 'Category' }), 'billing');
    selectOption(within(filters).getByRole('combobox', { name: 'Source' }), 'email');
    selectOption(within(filters).getByRole('combobox', { name: 'Assignee' }), 'none');
    selectOption(within(filters).getByRole('combobox', { name: 'Queue' }), 'past_due');
    await waitFor(() =>
      expect(app.api.callsTo('GET /api/tickets').at(-1)!.query).toEqual({
        status: undefined,
        priority: 'critical',
        level: 'L2',
        category: 'billing',
        source: 'email',
        assignee: 'none',
        queue: 'past_due',
      }),
    );
    expect(within(within(filters).getByRole('combobox', { name: 'Queue' })).queryByRole('option', { name: 'Unaddressed' })).toBeNull();
    selectOption(within(filters).getByRole('combobox', { name: 'Priority' }), '');
    await waitFor(() => expect(app.api.callsTo('GET /api/tickets').at(-1)!.query!.priority).toBeUndefined());
  });

  it('leads can pick the Unaddressed queue', async () => {
    const app = createConsoleApp();
    app.store.setState({ agent: lead });
    app.store.getState().navigate({ view: 'tickets' });
    renderWith(app, <Shell />);
    const filters = await screen.findByRole('group', { name: 'Filters' });
    selectOption(within(filters).getByRole('combobox', { name: 'Queue' }), 'unaddressed');
    await waitFor(() => expect(app.api.callsTo('GET /api/tickets').at(-1)!.query!.queue).toBe('unaddressed'));
  });

  it('New ticket creates a ticket for a customer by email and opens it', async () => {
    const app = createConsoleApp();
    app.api.routes['POST /api/tickets'] = ({ body }) => ticket({ number: 1007, subject: body.subject, source: 'agent' });
    app.api.routes['GET /api/tickets/:number'] = () => ticketDetail({ number: 1007, subject: 'Invoice wrong', source: 'agent' });
    app.store.getState().navigate({ view: 'tickets' });
    renderWith(app, <Shell />);
    fireEvent.click(await screen.findByRole('button', { name: 'New ticket' }));
    const dialog = screen.getByRole('dialog', { name: 'New ticket' });
    fireEvent.input(within(dialog).getByRole('textbox', { name: 'Customer email' }), { target: { value: 'cus@example.com' } });
    fireEvent.input(within(dialog).getByRole('textbox', { name: 'Customer name' }), { target: { value: 'Cus' } });
    fireEvent.input(within(dialog).getByRole('textbox', { name: 'Subject' }), { target: { value: 'Invoice wrong' } });
    fireEvent.input(within(dialog).getByRole('textbox', { name: 'Message' }), { target: { value: 'Charged twice' } });
    selectOption(within(dialog).getByRole('combobox', { name: 'Priority' }), 'high');
    selectOption(within(dialog).getByRole('combobox', { name: 'Category' }), 'billing');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create ticket' }));
    await screen.findByRole('article', { name: '#1007 Invoice wrong' });
    expect(app.api.callsTo('POST /api/tickets')).toEqual([
      {
        body: {
          requesterEmail: 'cus@example.com',
          requesterName: 'Cus',
          subject: 'Invoice wrong',
          message: 'Charged twice',
          priority: 'high',
          category: 'billing',
        },
      },
    ]);
  });
});

describe('Admin tools', () => {
  it('Verify history reports an altered event', async () => {
    const app = openTicket(ticketDetail(), 'admin');
    app.api.routes['GET /api/admin/tickets/:number/verify'] = () => ({ number: 1001, events: 3, ok: false, brokenSeq: 2 });
    await screen.findByRole('region', { name: 'Timeline' });
    fireEvent.click(screen.getByRole('button', { name: 'Verify history' }));
    await screen.findByText('History altered: event #2 does not match its hash');
  });

  it('agents get no Verify history and no SLA settings', async () => {
    openTicket(ticketDetail());
    await screen.findByRole('region', { name: 'Timeline' });
    expect(screen.queryByRole('button', { name: 'Verify history' })).toBeNull();
  });

  it('admins edit the SLA windows and alert rules under the ticket list', async () => {
    const app = createConsoleApp();
    app.store.setState({ agent: { ...agent, role: 'admin' } });
    app.api.routes['GET /api/settings/sla'] = () => ({ critical: 1, high: 4, medium: 24, low: 72 });
    app.api.routes['PUT /api/settings/sla'] = ({ body }) => body;
    app.api.routes['GET /api/settings/alert-rules'] = () => ({
      rules: [{ id: 'high-no-reply-3h', priorities: ['high'], condition: 'no_reply_for', hours: 3, notify: ['assignee', 'team_leads'] }],
    });
    app.api.routes['PUT /api/settings/alert-rules'] = ({ body }) => body;
    app.store.getState().navigate({ view: 'tickets' });
    renderWith(app, <Shell />);
    const region = await screen.findByRole('region', { name: 'SLA settings' });
    const critical = (await within(region).findByRole('spinbutton', { name: 'Critical (hours)' })) as HTMLInputElement;
    expect(critical.value).toBe('1');
    fireEvent.input(critical, { target: { value: '0.5' } });
    fireEvent.click(within(region).getByRole('button', { name: 'Save SLA windows' }));
    await within(region).findByText('SLA windows saved');
    expect(app.api.callsTo('PUT /api/settings/sla')).toEqual([{ body: { critical: 0.5, high: 4, medium: 24, low: 72 } }]);

    const table = within(region).getByRole('table', { name: 'Alert rules' });
    expect(within(table).getAllByRole('row')[1]!.textContent).toContain('No customer-facing reply for 3 h');
    fireEvent.input(within(region).getByRole('textbox', { name: 'Rule id' }), { target: { value: 'late' } });
    selectOption(within(region).getByRole('combobox', { name: 'Condition' }), 'past_due');
    fireEvent.click(within(region).getByRole('checkbox', { name: 'Tell managers' }));
    fireEvent.click(within(region).getByRole('button', { name: 'Add rule' }));
    fireEvent.click(within(region).getByRole('button', { name: 'Remove rule high-no-reply-3h' }));
    fireEvent.click(within(region).getByRole('button', { name: 'Save alert rules' }));
    await within(region).findByText('Alert rules saved');
    expect(app.api.callsTo('PUT /api/settings/alert-rules')).toEqual([
      { body: { rules: [{ id: 'late', priorities: ['high'], condition: 'past_due', notify: ['assignee', 'managers'] }] } },
    ]);
  });
});
