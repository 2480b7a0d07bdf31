import crypto from 'node:crypto';
import type { Connection } from 'mongoose';
import { isValidObjectId } from 'mongoose';
import type { InviteAgentInput, ManagedAgentDto, SetPasswordLinkDto, UpdateAgentInput } from '@kamflo/shared';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { DEFAULT_CAPACITY, toManagedAgentDto, type AgentDoc } from './agent.model.ts';
import type { AgentService } from './agent.service.ts';
import { passwordLinkModel } from './password-link.model.ts';
import { checkNewPassword, hashPassword } from './password.ts';
import { agentAuditModel, toAgentAuditEntryDto, type AgentAuditDoc } from './agent-audit.model.ts';
import type { Claims } from '../db/claims.ts';
import type { AgentAuditEntryDto } from '@kamflo/shared';

export const PASSWORD_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Stored instead of a hash until the agent sets a password: verifyPassword matches nothing against it. */
const NO_PASSWORD = '!';

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** Who does it, for the audit line. */
export interface Actor {
  id: string;
  email: string;
}

/**
 * Admins managing agents: invitations and password resets by one-time link, role, capacity and
 * level changes, deactivation. Every change is recorded in `agent_audit` (who, what, to whom,
 * the new values) and written to the log as an `agent admin` line.
 */
export function createAgentAdmin({
  conn,
  clock,
  agents,
  log,
  claims,
  publicUrl,
  onInfoChanged = async () => {},
}: {
  conn: Connection;
  clock: Clock;
  agents: AgentService;
  log: Logger;
  /** Serialize the changes that can remove an admin, so two at once cannot remove the last two. */
  claims: Claims;
  /** KAMFLO_PUBLIC_URL: makes the set-password link absolute. */
  publicUrl?: string;
  /** Name, role or capacity changed: presence (and so routing) takes the new values. */
  onInfoChanged?: (agentId: string, info: { name: string; role: AgentDoc['role']; capacity: number }) => Promise<void>;
}) {
  const { Agent } = agents;
  const Link = passwordLinkModel(conn);

  const Audit = agentAuditModel(conn);

  /** Record a change (after it was made): the audit entry, and the log line. */
  async function audit(actor: Actor | null, action: AgentAuditDoc['action'], target: AgentDoc, change: Record<string, string | number> = {}) {
    log.info(
      { audit: 'agent', actor: actor?.id, actorEmail: actor?.email, action, agent: String(target._id), agentEmail: target.email, change },
      'agent admin',
    );
    await Audit.create({
      at: clock.now(),
      action,
      ...(actor ? { actorId: actor.id, actorEmail: actor.email } : {}),
      agentId: target._id,
      agentEmail: target.email,
      ...(Object.keys(change).length ? { change } : {}),
    });
  }

  async function auditLog(limit = 200): Promise<AgentAuditEntryDto[]> {
    return (await Audit.find().sort({ at: -1, _id: -1 }).limit(limit).lean()).map(toAgentAuditEntryDto);
  }

  /**
   * Run a change that may take away an admin (a role change, a deactivation) alone: the check
   * "another active admin remains" and the write happen under one claim, so two admins demoting
   * each other at once cannot leave none. A holder that died frees it after 5 s.
   */
  async function aloneForAdmins<T>(run: () => Promise<T>): Promise<T> {
    const key = 'agents:admin-change';
    const owner = crypto.randomBytes(6).toString('hex');
    for (let attempt = 0; ; attempt++) {
      if (await claims.take(key, owner, clock.now())) break;
      const holder = await claims.holder(key);
      if (holder && clock.now().getTime() - holder.at.getTime() > 5000) await claims.release(key, holder.owner);
      if (attempt > 200) throw new AppError('unavailable', 'Agents are being changed right now; try again');
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
    }
    try {
      return await run();
    } finally {
      await claims.release(key, owner).catch((err) => log.warn({ err }, 'agents: admin-change claim not released'));
    }
  }

  async function find(id: string): Promise<AgentDoc> {
    const agent = isValidObjectId(id) ? await Agent.findById(id).lean() : null;
    if (!agent) throw new AppError('not_found', 'Agent not found');
    return agent;
  }

  /** A new one-time link for the agent; their earlier links stop working. */
  async function newLink(agent: AgentDoc): Promise<SetPasswordLinkDto> {
    await Link.deleteMany({ agentId: agent._id });
    const token = crypto.randomBytes(32).toString('base64url');
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + PASSWORD_LINK_TTL_MS);
    await Link.create({ _id: sha256(token), agentId: agent._id, createdAt: now, expiresAt });
    const path = `/console/#/set-password/${token}`;
    return {
      agent: toManagedAgentDto(agent),
      url: publicUrl ? new URL(path, publicUrl).toString() : path,
      token,
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** Active admins other than `exceptId`. */
  async function otherActiveAdmins(exceptId: AgentDoc['_id']): Promise<number> {
    return Agent.countDocuments({ role: 'admin', deactivatedAt: null, _id: { $ne: exceptId } });
  }

  async function list(): Promise<ManagedAgentDto[]> {
    return (await Agent.find().sort({ name: 1 }).lean()).map(toManagedAgentDto);
  }

  async function invite(actor: Actor, input: InviteAgentInput): Promise<SetPasswordLinkDto> {
    let agent: AgentDoc;
    try {
      agent = (
        await Agent.create({
          email: input.email,
          name: input.name,
          role: input.role,
          capacity: input.capacity ?? DEFAULT_CAPACITY,
          level: input.level ?? 'L1',
          passwordHash: NO_PASSWORD,
          createdAt: clock.now(),
        })
      ).toObject();
    } catch (e) {
      if (isDuplicateKey(e)) throw new AppError('conflict', 'An agent with that email already exists');
      throw e;
    }
    await audit(actor, 'invite', agent, { role: input.role, capacity: agent.capacity ?? DEFAULT_CAPACITY, level: agent.level ?? 'L1' });
    return newLink(agent);
  }

  /** Uses a link once: sets the password. The agent then signs in as usual. */
  async function setPassword(token: string, password: string): Promise<void> {
    const refused = () => new AppError('bad_request', 'This link is invalid, used or expired; ask an admin for a new one');
    const id = sha256(token);
    const link = await Link.findById(id).lean();
    if (!link || link.expiresAt <= clock.now()) throw refused();
    const agent = await Agent.findById(link.agentId).lean();
    if (!agent || agent.deactivatedAt) throw refused();
    checkNewPassword(password, agent);
    const passwordHash = await hashPassword(password);
    // Deleting the link is what makes it one-time: of two uses at once, one deletes it.
    const taken = await Link.deleteOne({ _id: id });
    if (taken.deletedCount !== 1) throw refused();
    await Agent.updateOne({ _id: agent._id }, { $set: { passwordHash } });
    await audit(null, 'set-password', agent);
  }

  async function update(actor: Actor, id: string, input: UpdateAgentInput): Promise<ManagedAgentDto> {
    return input.role !== undefined ? aloneForAdmins(() => updateNow(actor, id, input)) : updateNow(actor, id, input);
  }

  async function updateNow(actor: Actor, id: string, input: UpdateAgentInput): Promise<ManagedAgentDto> {
    const agent = await find(id);
    const change: Record<string, string | number> = {};
    for (const key of ['name', 'role', 'capacity', 'level'] as const) {
      if (input[key] !== undefined && input[key] !== (agent[key] ?? (key === 'level' ? 'L1' : undefined))) change[key] = input[key];
    }
    if (!Object.keys(change).length) return toManagedAgentDto(agent);
    if (change.role && agent.role === 'admin' && !agent.deactivatedAt && (await otherActiveAdmins(agent._id)) === 0) {
      throw new AppError('conflict', 'This is the last admin: make another agent admin first');
    }
    const updated = await Agent.findOneAndUpdate({ _id: agent._id }, { $set: change }, { new: true }).lean();
    if (!updated) throw new AppError('not_found', 'Agent not found');
    await audit(actor, 'update', updated, change);
    if (change.name || change.role || change.capacity) {
      await onInfoChanged(String(updated._id), { name: updated.name, role: updated.role, capacity: updated.capacity ?? DEFAULT_CAPACITY });
    }
    // Open consoles hold the role they were opened with: a new role ends them, the session stays.
    if (change.role) agents.revokeSockets(String(updated._id));
    return toManagedAgentDto(updated);
  }

  /** No sign-in any more; every session and open console ends now. Their tickets stay assigned. */
  async function deactivate(actor: Actor, id: string): Promise<ManagedAgentDto> {
    return aloneForAdmins(() => deactivateNow(actor, id));
  }

  async function deactivateNow(actor: Actor, id: string): Promise<ManagedAgentDto> {
    const agent = await find(id);
    if (String(agent._id) === actor.id) throw new AppError('conflict', 'You cannot deactivate yourself');
    if (agent.role === 'admin' && (await otherActiveAdmins(agent._id)) === 0) {
      throw new AppError('conflict', 'This is the last admin: make another agent admin first');
    }
    const updated = await Agent.findOneAndUpdate({ _id: agent._id }, { $set: { deactivatedAt: agent.deactivatedAt ?? clock.now() } }, { new: true }).lean();
    if (!updated) throw new AppError('not_found', 'Agent not found');
    await agents.revokeAllSessions(String(updated._id));
    await Link.deleteMany({ agentId: updated._id });
    if (!agent.deactivatedAt) await audit(actor, 'deactivate', updated);
    return toManagedAgentDto(updated);
  }

  async function reactivate(actor: Actor, id: string): Promise<ManagedAgentDto> {
    const agent = await find(id);
    const updated = await Agent.findOneAndUpdate({ _id: agent._id }, { $set: { deactivatedAt: null } }, { new: true }).lean();
    if (!updated) throw new AppError('not_found', 'Agent not found');
    if (agent.deactivatedAt) await audit(actor, 'reactivate', updated);
    return toManagedAgentDto(updated);
  }

  /** The old password stops working, every session ends, and a new one-time link is made. */
  async function resetPassword(actor: Actor, id: string): Promise<SetPasswordLinkDto> {
    const agent = await find(id);
    if (agent.deactivatedAt) throw new AppError('conflict', 'Reactivate the agent first');
    await Agent.updateOne({ _id: agent._id }, { $set: { passwordHash: NO_PASSWORD } });
    await agents.revokeAllSessions(String(agent._id));
    await audit(actor, 'reset-password', agent);
    return newLink(agent);
  }

  return { list, invite, setPassword, update, deactivate, reactivate, resetPassword, auditLog, audit };
}
export type AgentAdmin = ReturnType<typeof createAgentAdmin>;
