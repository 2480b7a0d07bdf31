import crypto from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { API_TOKEN_PREFIX, type ApiScope, type ApiTokenDto, type CreateApiTokenInput, type CreatedApiTokenDto } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import type { AgentDoc } from '../agents/agent.model.ts';
import { apiTokenModels, toApiTokenDto, type ApiTokenDoc } from './api-token.model.ts';

/** Last-used times are written at most this often per token. */
export const LAST_USED_EVERY_MS = 60_000;

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** Who acts when a request carries an API token: the token, in the audit trail as "API token <name>". */
export interface TokenActor extends AgentDoc {
  apiTokenId: string;
  scopes: ApiScope[];
}

/** Did an API token (not a person) make this request? Tokens never become a ticket's assignee. */
export function isTokenActor(a: object): a is TokenActor {
  return 'apiTokenId' in a;
}

/**
 * API tokens: created by admins with scopes, the secret (`kf_` + 32 random bytes) shown once and
 * stored as its SHA-256, revoked by a timestamp (so the list still shows them).
 */
export function createApiTokenService(deps: { conn: Connection; clock: Clock }) {
  const { clock } = deps;
  const { Token, Use } = apiTokenModels(deps.conn);
  // When this process last wrote (or saw) each token's last-used time: most requests write nothing.
  const lastWritten = new Map<string, number>();

  async function create(by: Pick<AgentDoc, '_id' | 'name'>, input: CreateApiTokenInput): Promise<CreatedApiTokenDto> {
    const secret = API_TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
    const doc: ApiTokenDoc = {
      _id: new Types.ObjectId(),
      name: input.name,
      scopes: input.scopes,
      hash: sha256(secret),
      prefix: secret.slice(0, API_TOKEN_PREFIX.length + 8),
      createdAt: clock.now(),
      createdById: String(by._id),
      createdByName: by.name,
    };
    await Token.create(doc);
    return { token: toApiTokenDto(doc), secret };
  }

  async function list(): Promise<ApiTokenDto[]> {
    // Admins keep a handful of tokens; the list is never paginated.
    const tokens = await Token.find().sort({ createdAt: -1, _id: -1 }).limit(500).lean();
    const uses = await Use.find({ _id: { $in: tokens.map((t) => String(t._id)) } }).lean();
    const usedAt = new Map(uses.map((u) => [u._id, u.lastUsedAt]));
    return tokens.map((t) => toApiTokenDto(t, usedAt.get(String(t._id))));
  }

  async function revoke(id: string): Promise<ApiTokenDto> {
    const t = await Token.findById(id).lean();
    if (!t) throw new AppError('not_found', 'No such API token');
    if (!t.revokedAt) await Token.updateOne({ _id: t._id, revokedAt: { $exists: false } }, { $set: { revokedAt: clock.now() } });
    const fresh = (await Token.findById(id).lean())!;
    const use = await Use.findById(id).lean();
    return toApiTokenDto(fresh, use?.lastUsedAt);
  }

  /** Record a use, at most once a minute per token across processes. */
  async function touch(id: string): Promise<void> {
    const now = clock.now();
    const last = lastWritten.get(id);
    if (last !== undefined && now.getTime() - last < LAST_USED_EVERY_MS) return;
    lastWritten.set(id, now.getTime());
    const stale = new Date(now.getTime() - LAST_USED_EVERY_MS);
    const r = await Use.updateOne({ _id: id, lastUsedAt: { $lte: stale } }, { $set: { lastUsedAt: now } });
    if (r.matchedCount) return;
    try {
      await Use.create({ _id: id, lastUsedAt: now });
    } catch (e) {
      // Another process wrote it within the minute: nothing to do.
      if (!isDuplicateKey(e)) throw e;
    }
  }

  /** The actor behind a secret: unauthorized when unknown or revoked. */
  async function authenticate(secret: string): Promise<TokenActor> {
    if (!secret.startsWith(API_TOKEN_PREFIX)) throw new AppError('unauthorized', 'Not an API token (they start with kf_)');
    const t = await Token.findOne({ hash: sha256(secret) }).lean();
    if (!t) throw new AppError('unauthorized', 'Unknown API token');
    if (t.revokedAt) throw new AppError('unauthorized', 'This API token was revoked');
    await touch(String(t._id));
    return {
      _id: t._id,
      apiTokenId: String(t._id),
      scopes: [...t.scopes],
      name: `API token ${t.name}`,
      email: '',
      // Only admins create tokens; the scope decides which routes a token reaches, and the role
      // the checks inside them (e.g. reassigning).
      role: 'admin',
      passwordHash: '',
      capacity: 0,
      createdAt: t.createdAt,
    };
  }

  return { create, list, revoke, authenticate, touch };
}
export type ApiTokenService = ReturnType<typeof createApiTokenService>;
