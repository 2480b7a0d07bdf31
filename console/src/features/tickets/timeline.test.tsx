import { describe, expect, it } from 'vitest';
import { fireEvent, screen } from '@testing-library/preact';
import type { TicketEventDto } from '@kamflo/shared';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith } from '../../test/render.tsx';
import { agent, iso, ticketDetail } from '../../test/fakes.ts';

const note = (seq: number, text: string): TicketEventDto => ({
  id: `e${seq}`,
  seq,
  type: 'note',
  actor: { kind: 'agent', id: agent.id, name: agent.name },
  text,
  at: iso(-(100 - seq) * 60_000),
});

describe('A long history', () => {
  it('shows the latest events and loads the earlier ones on request, in order', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/tickets/:number'] = () => ticketDetail({ events: [note(4, 'fourth'), note(5, 'fifth')], earlierEvents: 3 });
    app.api.routes['GET /api/tickets/:number/events'] = ({ query }) => {
      const after = Number(query?.after ?? 0);
      const limit = Number(query?.limit ?? 100);
      const all = [note(1, 'first'), note(2, 'second'), note(3, 'third')];
      return { items: all.filter((e) => e.seq > after).slice(0, limit) };
    };
    app.store.getState().navigate({ view: 'tickets', ticket: 1001 });
    renderWith(app, <Shell />);

    expect(await screen.findByText('fifth')).toBeTruthy();
    expect(screen.queryByText('first')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show 3 earlier events' }));
    expect(await screen.findByText('first')).toBeTruthy();
    const texts = ['first', 'second', 'third', 'fourth', 'fifth'].map((t) => screen.getByText(t));
    for (let i = 1; i < texts.length; i++) {
      expect(texts[i - 1]!.compareDocumentPosition(texts[i]!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    }
    expect(app.api.callsTo('GET /api/tickets/:number/events')[0]!.query).toMatchObject({ after: '0', limit: '3' });
    expect(screen.queryByRole('button', { name: /earlier events/ })).toBeNull();
  });
});

describe('A Help Center request', () => {
  it('shows the article the customer read before asking, linked to its public page', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/tickets/:number'] = () =>
      ticketDetail({
        source: 'help_center',
        events: [
          {
            id: 'e1',
            seq: 1,
            type: 'created',
            actor: { kind: 'customer', name: 'Ana Lima' },
            text: 'The tracking link says nothing.',
            data: { article: 'where-is-my-parcel', articleUrl: '/help/default/articles/where-is-my-parcel' },
            at: iso(-60_000),
          },
        ],
      });
    app.store.getState().navigate({ view: 'tickets', ticket: 1001 });
    renderWith(app, <Shell />);
    const link = await screen.findByRole('link', { name: 'where-is-my-parcel' });
    expect(link.getAttribute('href')).toBe('/help/default/articles/where-is-my-parcel');
    expect(link.parentElement!.textContent).toBe('Read before asking: where-is-my-parcel');
  });
});
