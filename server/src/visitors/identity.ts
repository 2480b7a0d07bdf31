import crypto from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { Schema, type Connection } from 'mongoose';
import type { VisitorProfileDto, VisitorUserDto, WidgetUserInput } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import { conversationModel } from '../chats/conversation.model.ts';
import { ticketModel } from '../tickets/ticket.model.ts';

/** What a boot's `user` proved: `verified` only when its hash or JWT holds under the site's current secret. */
export interface CheckedUser {
  id: string;
  email?: string;
  name?: string;
  verified: boolean;
}

const hmacHex = (secret: string, data: string) => crypto.createHmac('sha256', secret).update(data, 'utf8').digest('hex');

/** `hash` = hex HMAC-SHA256 of the user id under the site secret (the secret's text as the key); compared in constant time. */
export function hashHolds(secret: string, userId: string, hash: string): boolean {
  const expected = Buffer.from(hmacHex(secret, userId), 'hex');
  const given = Buffer.from(hash.toLowerCase(), 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/**
 * An HS256 JWT under the site secret: `sub` must be the claimed user id and `exp` must be present
 * and in the future (by the injectable clock). Its `email` and `name`, when strings, win over the
 * page's. Null when it does not verify.
 */
export async function jwtClaims(secret: string, userId: string, jwt: string, now: Date): Promise<{ email?: string; name?: string } | null> {
  try {
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub'],
      subject: userId,
      currentDate: now,
    });
    return {
      ...(typeof payload.email === 'string' && payload.email.length <= 254 ? { email: payload.email.trim().toLowerCase() } : {}),
      ...(typeof payload.name === 'string' && payload.name.length <= 100 ? { name: payload.name.trim() } : {}),
    };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) return null;
    throw err;
  }
}

/** Checks a boot's user against the site's current secret: a rotated secret fails every old hash and JWT. */
export async function checkUser(secret: string, user: WidgetUserInput, now: Date): Promise<CheckedUser> {
  const base = { id: user.id, ...(user.email ? { email: user.email } : {}), ...(user.name ? { name: user.name } : {}) };
  if (user.jwt) {
    const claims = await jwtClaims(secret, user.id, user.jwt, now);
    if (claims) return { ...base, ...claims, verified: true };
  }
  if (user.hash && hashHolds(secret, user.id, user.hash)) return { ...base, verified: true };
  return { ...base, verified: false };
}

/**
 * A verified user's visitor id: the same on every device and browser, derived from the server's
 * secret, the site and the user id (not the site's secret, so rotating it keeps their history).
 * Anonymous visitors get 16 random characters; these are 22, and no token can be had for one
 * without a valid hash or JWT.
 */
export function verifiedVisitorId(serverSecret: string, site: string, userId: string): string {
  return crypto.createHmac('sha256', serverSecret).update(`kamflo verified user\n${site}\n${userId}`).digest('base64url').slice(0, 22);
}

/** Who a visitor is: written when a boot claims a user, one document per (site, visitor). */
interface VisitorProfileDoc {
  _id: string;
  site: string;
  visitorId: string;
  userId: string;
  email?: string;
  name?: string;
  verified: boolean;
  updatedAt: Date;
}
const profileSchema = new Schema<VisitorProfileDoc>(
  {
    _id: String,
    site: { type: String, required: true },
    visitorId: { type: String, required: true },
    userId: { type: String, required: true },
    email: String,
    name: String,
    verified: { type: Boolean, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function visitorProfileModel(conn: Connection) {
  return conn.model<VisitorProfileDoc>('VisitorProfile', profileSchema, 'visitor_profiles');
}

const PROFILE_LIST_MAX = 20;
const profileKey = (site: string, visitorId: string) => `${site}:${visitorId}`;

export function createVisitorProfiles({ conn, clock }: { conn: Connection; clock: Clock }) {
  const Profile = visitorProfileModel(conn);
  const Conversation = conversationModel(conn);
  const Ticket = ticketModel(conn);

  /** The latest boot's word on the user behind this visitor (a verified user's email and name follow their latest boot). */
  async function record(site: string, visitorId: string, user: CheckedUser): Promise<void> {
    await Profile.replaceOne(
      { _id: profileKey(site, visitorId) },
      {
        site,
        visitorId,
        userId: user.id,
        ...(user.email ? { email: user.email } : {}),
        ...(user.name ? { name: user.name } : {}),
        verified: user.verified,
        updatedAt: clock.now(),
      },
      { upsert: true },
    );
  }

  async function userOf(site: string, visitorId: string): Promise<VisitorUserDto | undefined> {
    const p = await Profile.findById(profileKey(site, visitorId)).lean();
    if (!p) return undefined;
    return { id: p.userId, ...(p.email ? { email: p.email } : {}), ...(p.name ? { name: p.name } : {}), verified: p.verified };
  }

  /** The profile agents see: the user, and the visitor's latest conversations and tickets (indexed on site, visitorId). */
  async function profile(site: string, visitorId: string): Promise<VisitorProfileDto> {
    const [user, conversations, tickets] = await Promise.all([
      userOf(site, visitorId),
      Conversation.find({ site, visitorId }, { status: 1, firstMessage: 1, createdAt: 1, ticketNumber: 1 })
        .sort({ createdAt: -1 })
        .limit(PROFILE_LIST_MAX)
        .lean(),
      Ticket.find({ site, visitorId }, { number: 1, subject: 1, status: 1, createdAt: 1 }).sort({ createdAt: -1 }).limit(PROFILE_LIST_MAX).lean(),
    ]);
    return {
      site,
      visitorId,
      ...(user ? { user } : {}),
      conversations: conversations.map((c) => ({
        id: String(c._id),
        status: c.status,
        firstMessage: c.firstMessage,
        createdAt: c.createdAt.toISOString(),
        ...(c.ticketNumber ? { ticketNumber: c.ticketNumber } : {}),
      })),
      tickets: tickets.map((t) => ({ id: String(t._id), number: t.number, subject: t.subject, status: t.status, createdAt: t.createdAt.toISOString() })),
    };
  }

  return { record, userOf, profile };
}
export type VisitorProfiles = ReturnType<typeof createVisitorProfiles>;
