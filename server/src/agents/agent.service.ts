import crypto from 'node:crypto';
import type { Connection } from 'mongoose';
import type { AgentDto, CreateAgentInput } from '@kamflo/shared';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import { agentModel, toAgentDto, type AgentDoc } from './agent.model.ts';
import { sessionModel } from './session.model.ts';
import { hashPassword, verifyPassword } from './password.ts';

export const SESSION_COOKIE = 'kamflo_session';
const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;
// Verifying against a real hash even for unknown emails keeps timing from telling which emails exist.
const DUMMY_HASH = hashPassword(crypto.randomBytes(16).toString('hex'));

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export function createAgentService({ conn, clock }: { conn: Connection; clock: Clock }) {
  const Agent = agentModel(conn);
  const Session = sessionModel(conn);

  async function createAgent(input: CreateAgentInput): Promise<AgentDto> {
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

  /** Checks the password and opens a session; returns the cookie token. */
  async function signIn(email: string, password: string): Promise<{ agent: AgentDto; token: string; expiresAt: Date }> {
    const agent = await Agent.findOne({ email }).lean();
    const ok = await verifyPassword(password, agent?.passwordHash ?? (await DUMMY_HASH));
    if (!agent || !ok) throw new AppError('unauthorized', 'Wrong email or password');
    const token = crypto.randomBytes(32).toString('base64url');
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await Session.create({ _id: sha256(token), agentId: agent._id, createdAt: now, expiresAt });
    return { agent: toAgentDto(agent), token, expiresAt };
  }

  async function signOut(token: string): Promise<void> {
    await Session.deleteOne({ _id: sha256(token) });
  }

  /** The agent behind a session token, or null when missing, unknown or expired. */
  async function authenticate(token: string | undefined): Promise<AgentDoc | null> {
    if (!token) return null;
    const session = await Session.findById(sha256(token)).lean();
    if (!session || session.expiresAt <= clock.now()) return null;
    return Agent.findById(session.agentId).lean();
  }

  async function getAgent(id: string): Promise<AgentDoc | null> {
    return Agent.findById(id).lean();
  }

  async function listAgents(): Promise<AgentDto[]> {
    return (await Agent.find().sort({ name: 1 }).lean()).map(toAgentDto);
  }

  /**
   * First start with no agents: create the admin. Returns the generated password when none was
   * configured, so main.ts can print it once.
   */
  async function ensureAdmin(admin: { email?: string; password?: string }): Promise<{ email: string; generatedPassword?: string } | null> {
    if ((await Agent.estimatedDocumentCount()) > 0) return null;
    const email = admin.email ?? 'admin@localhost';
    const generatedPassword = admin.password ? undefined : crypto.randomBytes(12).toString('base64url');
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

  return { createAgent, signIn, signOut, authenticate, getAgent, listAgents, ensureAdmin, sweepExpiredSessions, Agent };
}
export type AgentService = ReturnType<typeof createAgentService>;
