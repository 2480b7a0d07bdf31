import { Schema, type Connection } from 'mongoose';
import { DEFAULT_SITE } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';

interface SiteDoc {
  _id: string;
  name: string;
}
const siteSchema = new Schema<SiteDoc>({ _id: String, name: { type: String, required: true } }, { versionKey: false });

export function siteModel(conn: Connection) {
  return conn.model<SiteDoc>('Site', siteSchema, 'sites');
}

/** Sites are the websites that embed the widget (`data-site`). One default site always exists. */
export function createSiteService({ conn }: { conn: Connection }) {
  const Site = siteModel(conn);

  async function ensureDefault(): Promise<void> {
    await Site.updateOne({ _id: DEFAULT_SITE }, { $setOnInsert: { name: 'Kamflo Support' } }, { upsert: true }).catch((e) => {
      if (e?.code !== 11000) throw e;
    });
  }

  async function get(key: string): Promise<SiteDoc> {
    const site = await Site.findById(key).lean();
    if (!site) throw new AppError('not_found', `Unknown site "${key}"`);
    return site;
  }

  return { ensureDefault, get };
}
export type SiteService = ReturnType<typeof createSiteService>;
