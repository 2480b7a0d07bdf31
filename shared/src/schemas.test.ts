import { describe, expect, it } from 'vitest';
import { chatStartInput, convertToTicketInput, helpCenterRequestInput, resolveTicketInput, signInInput } from './schemas.ts';

describe('input schemas', () => {
  it('trims message text and refuses empty or oversized text', () => {
    expect(chatStartInput.parse({ clientId: 'abcdefgh', text: '  hi  ' }).text).toBe('hi');
    expect(chatStartInput.safeParse({ clientId: 'abcdefgh', text: '   ' }).success).toBe(false);
    expect(chatStartInput.safeParse({ clientId: 'abcdefgh', text: 'x'.repeat(5001) }).success).toBe(false);
  });

  it('refuses unknown fields and malformed client ids', () => {
    expect(chatStartInput.safeParse({ clientId: 'abcdefgh', text: 'hi', admin: true }).success).toBe(false);
    expect(chatStartInput.safeParse({ clientId: 'short', text: 'hi' }).success).toBe(false);
    expect(chatStartInput.safeParse({ clientId: 'has spaces in it', text: 'hi' }).success).toBe(false);
  });

  it('normalises customer emails and requires every Help Center field', () => {
    const ok = helpCenterRequestInput.parse({ name: 'Eve', email: ' Eve@Example.COM ', subject: 'Refund', message: 'Please' });
    expect(ok.email).toBe('eve@example.com');
    const bad = helpCenterRequestInput.safeParse({ name: 'Eve', email: 'nope' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0]).sort()).toEqual(['email', 'message', 'subject']);
  });

  it('lets agents sign in with a local address such as admin@localhost', () => {
    expect(signInInput.safeParse({ email: 'admin@localhost', password: 'x' }).success).toBe(true);
    expect(signInInput.safeParse({ email: 'admin', password: 'x' }).success).toBe(false);
  });

  it('accepts only the four priorities and known categories; resolving needs a closing message', () => {
    expect(convertToTicketInput.safeParse({ subject: 's', priority: 'critical', category: 'billing' }).success).toBe(true);
    expect(convertToTicketInput.safeParse({ subject: 's', priority: 'urgent', category: 'billing' }).success).toBe(false);
    expect(resolveTicketInput.safeParse({ closingMessage: ' ' }).success).toBe(false);
  });
});

describe('ticket action schemas', () => {
  it('an escalation names every missing checklist item at once', async () => {
    const { escalateTicketInput } = await import('./schemas.ts');
    const r = escalateTicketInput.safeParse({ tried: ' ', nextStep: 'fix' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0]).sort()).toEqual(['category', 'customerContext', 'customerUpdate', 'nextStepDetails', 'priority', 'tried']);
    const ok = escalateTicketInput.parse({
      tried: ' a ',
      customerContext: 'b',
      nextStep: 'call',
      nextStepDetails: 'c',
      priority: 'low',
      category: 'bug',
      useDefaultCustomerUpdate: true,
    });
    expect(ok).toEqual({
      tried: 'a',
      customerContext: 'b',
      nextStep: 'call',
      nextStepDetails: 'c',
      priority: 'low',
      category: 'bug',
      customerUpdate: undefined,
    });
  });

  it('closing needs a reason; resolving is not a status change', async () => {
    const { ticketStatusInput } = await import('./schemas.ts');
    expect(ticketStatusInput.safeParse({ to: 'closed' }).success).toBe(false);
    expect(ticketStatusInput.safeParse({ to: 'closed', reason: 'spam' }).success).toBe(true);
    expect(ticketStatusInput.safeParse({ to: 'resolved' }).success).toBe(false);
    expect(ticketStatusInput.safeParse({ to: 'in_progress' }).success).toBe(true);
  });
});
