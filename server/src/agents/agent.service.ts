import crypto from 'node:crypto';
import type { Connection } from 'mongoose';
import type { AgentDto, CreateAgentInput } from '@kamflo/shared';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import { agentModel, toAgentDto, type AgentDoc } from './agent.model.ts';
import { sessionModel } from './session.model.ts';
import { checkNewPassword, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { createSessionCookie } from './session-cookie.ts';
import { noRevoker, type SocketRevoker } from './session-revocation.ts';

const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;
// Verifying against a real hash even for unknown emails keeps timing from telling which emails exist.
const DUMMY_HASH = hashPassword(crypto.randomBytes(16).toString('hex'));

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export interface AgentSession {
  agent: AgentDoc;
  /** The session's id (the SHA-256 of its token): what sign-out and revocation name. */
  sessionId: string;
}

export function createAgentService({
  conn,
  clock,
  cookieSecure = false,
  revoke = noRevoker,
}: {
  conn: Connection;
  clock: Clock;
  cookieSecure?: boolean;
  /** Disconnects the consoles of ended sessions (app.ts passes the /agent namespace's). */
  revoke?: SocketRevoker;
}) {
  const Agent = agentModel(conn);
  const Session = sessionModel(conn);
  const cookie = createSessionCookie(cookieSecure);

  async function createAgent(input: CreateAgentInput): Promise<AgentDto> {
    checkNewPassword(input.password, input);
    try {
      const doc = await Agent.create({
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(input.password),
        createdAt: clock.now(),
      });
      return toAgentDto(doc);
    } catch (e) {
      if (isDuplicateKey(e)) throw new AppError('conflict', 'An agent with that email already exists');
      throw e;
    }
  }

  /** Checks the password and opens a session; returns the cookie token. Old-style hashes are upgraded here. */
  async function signIn(email: string, password: string): Promise<{ agent: AgentDto; token: string; expiresAt: Date }> {
    const agent = await Agent.findOne({ email }).lean();
    const ok = await verifyPassword(password, agent?.passwordHash ?? (await DUMMY_HASH));
    if (!agent || !ok) throw new AppError('unauthorized', 'Wrong email or password');
    if (agent.deactivatedAt) throw new AppError('unauthorized', 'This account is deactivated; ask an admin');
    if (needsRehash(agent.passwordHash)) {
      // Only if unchanged meanwhile: a password change racing this sign-in wins.
      await Agent.updateOne({ _id: agent._id, passwordHash: agent.passwordHash }, { $set: { passwordHash: await hashPassword(password) } });
    }
    const token = crypto.randomBytes(32).toString('base64url');
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await Session.create({ _id: sha256(token), agentId: agent._id, createdAt: now, expiresAt });
    return { agent: toAgentDto(agent), token, expiresAt };
  }

  /** Ends this session, and every console opened with it, at once. */
  async function signOut(token: string): Promise<void> {
    const sessionId = sha256(token);
    await Session.deleteOne({ _id: sessionId });
    revoke.session(sessionId);
  }

  /** Ends every session and every open console of an agent (deactivation, a suspected compromise). */
  async function revokeAllSessions(agentId: string): Promise<void> {
    const agent = await Agent.findById(agentId, { _id: 1 }).lean();
    if (!agent) throw new AppError('not_found', 'Agent not found');
    await Session.deleteMany({ agentId: agent._id });
    revoke.agent(String(agent._id));
  }

  /** Ends the agent's open consoles (the sessions stay): they reopen with the agent as they are now. */
  function revokeSockets(agentId: string): void {
    revoke.agent(agentId);
  }

  /** The own-password change: needs the current password; every other session of the agent ends. */
  async function changePassword(session: AgentSession, currentPassword: string, newPassword: string): Promise<void> {
    const agent = await Agent.findById(session.agent._id).lean();
    if (!agent) throw new AppError('unauthorized', 'Sign in first');
    if (!(await verifyPassword(currentPassword, agent.passwordHash))) {
      throw new AppError('bad_request', 'Invalid input: currentPassword is not your current password', [
        { path: 'currentPassword', message: 'is not your current password' },
      ]);
    }
    checkNewPassword(newPassword, agent, 'newPassword');
    if (newPassword === currentPassword) {
      throw new AppError('bad_request', 'Invalid input: newPassword must differ from the current one', [
        { path: 'newPassword', message: 'must differ from the current one' },
      ]);
    }
    await Agent.updateOne({ _id: agent._id }, { $set: { passwordHash: await hashPassword(newPassword) } });
    const others = await Session.find({ agentId: agent._id, _id: { $ne: session.sessionId } }, { _id: 1 }).lean();
    if (!others.length) return;
    await Session.deleteMany({ _id: { $in: others.map((s) => s._id) } });
    for (const s of others) revoke.session(s._id);
  }

  /** The agent and session behind a session token, or null when missing, unknown or expired. */
  async function authenticateSession(token: string | undefined): Promise<AgentSession | null> {
    if (!token) return null;
    const sessionId = sha256(token);
    const session = await Session.findById(sessionId).lean();
    if (!session || session.expiresAt <= clock.now()) return null;
    const agent = await Agent.findById(session.agentId).lean();
    // A deactivated agent's sessions are deleted too; this covers one opened as it happened.
    return agent && !agent.deactivatedAt ? { agent, sessionId } : null;
  }

  /** The session behind a request's Cookie header. */
  function fromCookie(cookieHeader: string | undefined): Promise<AgentSession | null> {
    return authenticateSession(cookie.read(cookieHeader));
  }

  /** Is this session still open? (Open consoles check now and then, see session-guard.ts.) */
  async function sessionOpen(sessionId: string): Promise<boolean> {
    const session = await Session.findById(sessionId, { expiresAt: 1 }).lean();
    return Boolean(session && session.expiresAt > clock.now());
  }

  async function getAgent(id: string): Promise<AgentDoc | null> {
    return Agent.findById(id).lean();
  }

  /** The agents work can go to: deactivated ones are left out. */
  async function listAgents(): Promise<AgentDto[]> {
    return (await Agent.find().sort({ name: 1 }).lean()).filter((a) => !a.deactivatedAt).map(toAgentDto);
  }

  /**
   * First start with no agents: create the admin. Returns the generated password when none was
   * configured, so main.ts can print it once.
   */
  async function ensureAdmin(admin: { email?: string; password?: string }): Promise<{ email: string; generatedPassword?: string } | null> {
    if ((await Agent.estimatedDocumentCount()) > 0) return null;
    const email = admin.email ?? 'admin@localhost';
    const generatedPassword = admin.password ? undefined : crypto.randomBytes(12).toString('base64url');
    if (admin.password) {
      try {
        checkNewPassword(admin.password, { email, name: 'Admin' });
      } catch (e) {
        throw new Error(`KAMFLO_ADMIN_PASSWORD: ${(e as AppError).issues?.[0]?.message ?? (e as Error).message}`);
      }
    }
    try {
      await Agent.create({
        email,
        name: 'Admin',
        role: 'admin',
        passwordHash: await hashPassword(admin.password ?? generatedPassword!),
        createdAt: clock.now(),
      });
    } catch (e) {
      if (isDuplicateKey(e)) return null; // another process created it first
      throw e;
    }
    return { email, generatedPassword };
  }

  async function sweepExpiredSessions(): Promise<void> {
    await Session.deleteMany({ expiresAt: { $lte: clock.now() } });
  }

  return {
    cookie,
    createAgent,
    signIn,
    signOut,
    revokeAllSessions,
    revokeSockets,
    changePassword,
    authenticateSession,
    fromCookie,
    sessionOpen,
    getAgent,
    listAgents,
    ensureAdmin,
    sweepExpiredSessions,
    Agent,
  };
}
export type AgentService = ReturnType<typeof createAgentService>;
