import { describe, expect, it } from 'vitest';
import { act, screen, within } from '@testing-library/preact';
import { Dashboard } from './Dashboard.tsx';
import { createTestApp, renderWith } from '../../test/render.tsx';
import { bindRealtime } from '../shell/realtime-binding.ts';

function count(label: string): string {
  const region = screen.getByRole('region', { name: 'Dashboard' });
  const group = within(region).getByRole('group', { name: label });
  return group.textContent!.replace(label, '').trim();
}

describe('Dashboard', () => {
  it('renders the four counts from GET /api/dashboard and updates them from dashboard:counts', async () => {
    const app = createTestApp();
    app.api.routes['GET /api/dashboard'] = () => ({ highPriority: 5, open: 23, inProgress: 12, resolved: 156 });
    renderWith(app, <Dashboard />);
    await act(() => app.store.getState().loadCounts());

    expect(count('High Priority')).toBe('5');
    expect(count('Open')).toBe('23');
    expect(count('In Progress')).toBe('12');
    expect(count('Resolved')).toBe('156');

    bindRealtime(app.store, app.realtime);
    act(() => app.realtime.serverEmit('dashboard:counts', { highPriority: 6, open: 22, inProgress: 13, resolved: 157 }));

    expect(count('High Priority')).toBe('6');
    expect(count('Open')).toBe('22');
    expect(count('In Progress')).toBe('13');
    expect(count('Resolved')).toBe('157');
  });
});
