import crypto from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import { DEFAULT_SITE, type SiteSecretDto } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';

export interface SiteDoc {
  _id: string;
  name: string;
  /**
   * The site's own secret: 32 random bytes, base64url. With the server's secret it signs the
   * site's visitor tokens, so rotating it revokes them all; it is also the key a site's backend
   * uses to prove who a visitor is (HMAC-SHA256 of the user id, or an HS256 JWT), so admins may read it.
   * Missing on sites created before secrets existed: the first use generates it.
   */
  secret?: string;
  secretRotatedAt?: Date;
  /** A boot claiming a user without a valid hash or JWT is refused (visitors/identity.ts). Off when missing. */
  requireVerifiedIdentity?: boolean;
}
const siteSchema = new Schema<SiteDoc>(
  { _id: String, name: { type: String, required: true }, secret: String, secretRotatedAt: Date, requireVerifiedIdentity: Boolean },
  { versionKey: false },
);

export function siteModel(conn: Connection) {
  return conn.model<SiteDoc>('Site', siteSchema, 'sites');
}

export const newSiteSecret = () => crypto.randomBytes(32).toString('base64url');

/** Sites are the websites that embed the widget (`data-site`). One default site always exists. */
export function createSiteService({ conn, clock }: { conn: Connection; clock: Clock }) {
  const Site = siteModel(conn);

  async function ensureDefault(): Promise<void> {
    await Site.updateOne(
      { _id: DEFAULT_SITE },
      { $setOnInsert: { name: 'Kamflo Support', secret: newSiteSecret(), secretRotatedAt: clock.now() } },
      { upsert: true },
    ).catch((e) => {
      if (e?.code !== 11000) throw e;
    });
  }

  async function find(key: string): Promise<SiteDoc | null> {
    return Site.findById(key).lean();
  }

  async function get(key: string): Promise<SiteDoc> {
    const site = await find(key);
    if (!site) throw new AppError('not_found', `Unknown site "${key}"`);
    return site;
  }

  /** The site's secret, generated on first use for sites that have none (every process agrees on the one stored first). */
  async function secretOf(key: string): Promise<string | null> {
    const site = await find(key);
    if (!site) return null;
    if (site.secret) return site.secret;
    await Site.updateOne({ _id: key, secret: { $exists: false } }, { $set: { secret: newSiteSecret(), secretRotatedAt: clock.now() } });
    return (await find(key))?.secret ?? null;
  }

  function toDto(site: SiteDoc): SiteSecretDto {
    return {
      site: site._id,
      secret: site.secret!,
      rotatedAt: (site.secretRotatedAt ?? new Date(0)).toISOString(),
      requireVerifiedIdentity: site.requireVerifiedIdentity === true,
    };
  }

  async function getSecret(key: string): Promise<SiteSecretDto> {
    await secretOf(key);
    return toDto(await get(key));
  }

  /** A new secret for the site: every visitor token it signed stops working (see app.ts for the sockets). */
  async function rotateSecret(key: string): Promise<SiteSecretDto> {
    await get(key);
    const updated = await Site.findOneAndUpdate({ _id: key }, { $set: { secret: newSiteSecret(), secretRotatedAt: clock.now() } }, { new: true }).lean();
    return toDto(updated!);
  }

  /** Turn "Require verified identity" on or off: it applies to boots from then on. */
  async function setIdentity(key: string, requireVerifiedIdentity: boolean): Promise<SiteSecretDto> {
    await get(key);
    await Site.updateOne({ _id: key }, { $set: { requireVerifiedIdentity } });
    return getSecret(key);
  }

  return { ensureDefault, get, secretOf, getSecret, rotateSecret, setIdentity };
}
export type SiteService = ReturnType<typeof createSiteService>;
