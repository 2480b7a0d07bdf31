// Type-level tests, checked by `pnpm typecheck` (never run): a server that drifts from the
// shared event maps does not compile. Each @ts-expect-error fails the typecheck once the line
// it marks compiles.
import { conversationRef } from '@kamflo/shared';
import { silentLogger as log } from '../lib/logger.ts';
import { ask, next, type AgentSocket, type VisitorSocket } from '../test/harness.ts';
import { handler, relay } from './handle.ts';
import type { VisitorServerSocket } from './io.ts';
import type { Notifier } from './notify.ts';

declare const socket: VisitorServerSocket;
declare const notify: Notifier;
declare const visitor: VisitorSocket;
declare const agent: AgentSocket;

// Handlers: the acknowledgement carries what the map says.
socket.on(
  'chat:leave-message',
  handler(log, conversationRef, async () => ({ ticketNumber: 1001 })),
);
socket.on(
  'chat:leave-message',
  // @ts-expect-error the ticket number is a number
  handler(log, conversationRef, async () => ({ ticketNumber: '1001' })),
);
socket.on(
  'chat:typing',
  // @ts-expect-error typing takes no acknowledgement
  handler(log, conversationRef, async () => null),
);
socket.on(
  'chat:typing',
  relay(log, conversationRef, async () => {}),
);
socket.on(
  // @ts-expect-error no such event
  'chat:nope',
  relay(log, conversationRef, async () => {}),
);

// Inputs arrive unchecked: a listener can't claim they are already parsed.
socket.on(
  'chat:typing',
  // @ts-expect-error the input is unknown until parsed
  (input: { conversationId: string; typing: boolean }) => void input,
);

// Pushes: the payload is the map's.
notify.visitor('v1', 'chat:typing', { conversationId: 'c1', typing: true });
// @ts-expect-error chat:queue carries a queue state
notify.visitor('v1', 'chat:queue', { conversationId: 'c1' });
// @ts-expect-error visitors get no dashboard counts
notify.allVisitors('dashboard:counts', { highPriority: 0, open: 0, inProgress: 0, resolved: 0 });
// @ts-expect-error socket.emit is typed too
socket.emit('agents:availability', { online: 'yes' });

// The test harness: inputs and results by event name.
export async function harness() {
  const started = await ask(visitor, 'chat:start', { clientId: 'c1234567', text: 'hi' });
  if (started.ok) started.data.conversation.id satisfies string;
  // @ts-expect-error chat:start needs the text
  await ask(visitor, 'chat:start', { clientId: 'c1234567' });
  // @ts-expect-error agents don't start chats
  await ask(agent, 'chat:start', { clientId: 'c1234567', text: 'hi' });
  const requests = await next(agent, 'chat:requests');
  requests[0]?.conversationId satisfies string | undefined;
  // @ts-expect-error a filter sees the event's payload
  await next(visitor, 'chat:queue', 1000, (q) => q.ticketNumber === 1);
}
