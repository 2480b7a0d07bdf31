import type { AgentPresenceDto } from '@kamflo/shared';
import { can } from '@kamflo/shared/constants';
import type { ActionResult, SliceCreator } from '../../store.ts';

/** What the agent chose; the console shows Offline on its own while the socket is down. */
export type MyStatus = 'online' | 'away';

export interface PresenceState {
  myStatus: MyStatus;
  /** Everyone online and their load: live for team leads and above, loaded by others to pick a colleague; null until the first list. */
  team: AgentPresenceDto[] | null;
}

export interface PresenceSlice extends PresenceState {
  /** `agent:status`; the server's answer is what is shown. */
  setMyStatus(status: MyStatus): Promise<ActionResult>;
  /** A `presence:updated` snapshot (leads only). */
  setTeam(team: AgentPresenceDto[]): void;
  /** Ask for the current list (`presence:list`): leads on connect, anyone transferring a chat. */
  loadTeam(): Promise<void>;
  /**
   * On every (re)connect: a console that reconnects after the grace period is Online again on the
   * server, so an Away choice is re-sent; leads load the team list.
   */
  presenceConnected(): Promise<void>;
}

export function initialPresenceState(): PresenceState {
  return { myStatus: 'online', team: null };
}

/** Whether this role sees the Team panel and may assign chats (`presence:list`, `chat:assign`). */
export function seesTeam(role: Parameters<typeof can>[0] | undefined): boolean {
  return role !== undefined && can(role, 'ticket.reassign');
}

export const createPresenceSlice: SliceCreator<PresenceSlice> = (set, get, { realtime }) => ({
  ...initialPresenceState(),

  async setMyStatus(status) {
    const ack = await realtime.request('agent:status', { status });
    if (!ack.ok) return { ok: false, message: ack.error.message };
    set({ myStatus: ack.data.status === 'away' ? 'away' : 'online' });
    return { ok: true, data: undefined };
  },

  setTeam: (team) => set({ team }),

  async loadTeam() {
    const ack = await realtime.request('presence:list', {});
    if (ack.ok) set({ team: ack.data });
  },

  async presenceConnected() {
    if (get().myStatus === 'away') await get().setMyStatus('away');
    if (seesTeam(get().agent?.role)) await get().loadTeam();
  },
});
