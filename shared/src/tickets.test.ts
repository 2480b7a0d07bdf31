import { describe, expect, it } from 'vitest';
import { canTransition, isHighPriorityOpen, slaDueAt, slaRemainingMs, TICKET_STATUSES } from './tickets.ts';
import { can } from './permissions.ts';

describe('SLA windows (handbook: Critical 1h, High 4h, Medium 24h, Low 72h, from creation)', () => {
  const created = new Date('2026-03-02T10:00:00Z');
  it.each([
    ['critical', 1],
    ['high', 4],
    ['medium', 24],
    ['low', 72],
  ] as const)('%s is due %i hours after creation', (priority, hours) => {
    expect(slaDueAt(created, priority).getTime() - created.getTime()).toBe(hours * 3600_000);
  });

  it('counts down, goes negative when overdue, and stops once answered', () => {
    const t = { slaDueAt: '2026-03-02T11:00:00Z' };
    expect(slaRemainingMs(t, new Date('2026-03-02T10:30:00Z'))).toBe(30 * 60_000);
    expect(slaRemainingMs(t, new Date('2026-03-02T11:15:00Z'))).toBe(-15 * 60_000);
    expect(slaRemainingMs({ ...t, firstResponseAt: '2026-03-02T10:10:00Z' }, new Date())).toBeNull();
  });
});

describe('status transitions', () => {
  it('closed is final; resolved can re-open; nothing transitions to itself', () => {
    for (const to of TICKET_STATUSES) expect(canTransition('closed', to)).toBe(false);
    expect(canTransition('resolved', 'open')).toBe(true);
    expect(canTransition('open', 'resolved')).toBe(true);
    for (const s of TICKET_STATUSES) expect(canTransition(s, s)).toBe(false);
  });

  it('High Priority counts Critical and High tickets still being worked', () => {
    expect(isHighPriorityOpen({ priority: 'critical', status: 'open' })).toBe(true);
    expect(isHighPriorityOpen({ priority: 'high', status: 'in_progress' })).toBe(true);
    expect(isHighPriorityOpen({ priority: 'high', status: 'resolved' })).toBe(false);
    expect(isHighPriorityOpen({ priority: 'medium', status: 'open' })).toBe(false);
  });
});

describe('permissions', () => {
  it('only admins manage agents and SLA settings; managers approve; leads reassign', () => {
    expect(can('admin', 'agents.manage')).toBe(true);
    expect(can('manager', 'agents.manage')).toBe(false);
    expect(can('manager', 'ticket.approve')).toBe(true);
    expect(can('team_lead', 'ticket.approve')).toBe(false);
    expect(can('team_lead', 'ticket.reassign')).toBe(true);
    expect(can('agent', 'ticket.reassign')).toBe(false);
    expect(can('agent', 'ticket.work')).toBe(true);
  });

  it('every role writes Help Center articles; team leads and above publish; only admins configure it', () => {
    expect(can('agent', 'helpcenter.write')).toBe(true);
    expect(can('agent', 'helpcenter.publish')).toBe(false);
    expect(can('team_lead', 'helpcenter.publish')).toBe(true);
    expect(can('manager', 'helpcenter.configure')).toBe(false);
    expect(can('admin', 'helpcenter.configure')).toBe(true);
    // Every cell of the Help Center's part of the table.
    const table = Object.fromEntries(
      (['agent', 'team_lead', 'manager', 'admin'] as const).map((role) => [
        role,
        (['helpcenter.write', 'helpcenter.publish', 'helpcenter.configure'] as const).map((action) => can(role, action)),
      ]),
    );
    expect(table).toEqual({
      agent: [true, false, false],
      team_lead: [true, true, false],
      manager: [true, true, false],
      admin: [true, true, true],
    });
  });
});

describe('escalation levels and ISO weeks', () => {
  it('escalates one level at a time and stops at L3', async () => {
    const { nextLevel } = await import('./tickets.ts');
    expect(nextLevel('L1')).toBe('L2');
    expect(nextLevel('L2')).toBe('L3');
    expect(nextLevel('L3')).toBeNull();
  });

  it('keys weeks the ISO way (the Thursday decides the year)', async () => {
    const { isoWeekKey, lastIsoWeeks } = await import('./tickets.ts');
    expect(isoWeekKey(new Date('2026-01-01T00:00:00Z'))).toBe('2026-W01');
    expect(isoWeekKey(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeekKey(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(isoWeekKey(new Date('2026-03-08T23:59:59Z'))).toBe('2026-W10');
    const weeks = lastIsoWeeks(new Date('2026-03-09T10:00:00Z'), 8);
    expect(weeks).toEqual(['2026-W04', '2026-W05', '2026-W06', '2026-W07', '2026-W08', '2026-W09', '2026-W10', '2026-W11']);
  });
});
