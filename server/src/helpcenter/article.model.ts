import { Schema, type Connection, type Types } from 'mongoose';

/** The working copy of an article is the draft; `published` is the snapshot the public sees. */
export interface PublishedSnapshot {
  title: string;
  body: string;
  html: string;
  revision: number;
  at: Date;
}
export interface ArticleDoc {
  _id: Types.ObjectId;
  site: string;
  slug: string;
  locale: string;
  /** '' when none (older documents may lack both). */
  category?: string;
  section?: string;
  title: string;
  body: string;
  revision: number;
  authorId: string;
  authorName: string;
  createdAt: Date;
  updatedAt: Date;
  published: PublishedSnapshot | null;
}
const articleSchema = new Schema<ArticleDoc>(
  {
    site: { type: String, required: true },
    slug: { type: String, required: true },
    locale: { type: String, required: true },
    category: { type: String, default: '' },
    section: { type: String, default: '' },
    title: { type: String, required: true },
    body: { type: String, default: '' },
    revision: { type: Number, required: true },
    authorId: String,
    authorName: String,
    createdAt: Date,
    updatedAt: Date,
    published: { type: new Schema({ title: String, body: String, html: String, revision: Number, at: Date }, { _id: false }), default: null },
  },
  { versionKey: false },
);
articleSchema.index({ site: 1, updatedAt: -1 });

/** Every save of an article, in order: its history. */
export interface RevisionDoc {
  _id: string;
  articleId: Types.ObjectId;
  n: number;
  title: string;
  body: string;
  authorName: string;
  at: Date;
  publishedAt?: Date;
}
const revisionSchema = new Schema<RevisionDoc>(
  { _id: String, articleId: Schema.Types.ObjectId, n: Number, title: String, body: String, authorName: String, at: Date, publishedAt: Date },
  { versionKey: false },
);
revisionSchema.index({ articleId: 1, n: 1 });

/**
 * `<site>:<slug>` → article. A slug is taken by inserting it (unique _id, exclusive on FerretDB
 * too) and is never given back: an article's old slugs keep pointing to it, so old links redirect.
 */
export interface SlugDoc {
  _id: string;
  articleId: Types.ObjectId;
  at: Date;
}
const slugSchema = new Schema<SlugDoc>({ _id: String, articleId: Schema.Types.ObjectId, at: Date }, { versionKey: false });
slugSchema.index({ articleId: 1 });

/** One "Was this helpful?" answer: a document each, since FerretDB 1.x can lose `$inc`s. */
export interface FeedbackDoc {
  articleId: Types.ObjectId;
  site: string;
  helpful: boolean;
  at: Date;
}
const feedbackSchema = new Schema<FeedbackDoc>({ articleId: Schema.Types.ObjectId, site: String, helpful: Boolean, at: Date }, { versionKey: false });
feedbackSchema.index({ articleId: 1 });
// The home page's popular articles: a site's "Yes" answers.
feedbackSchema.index({ site: 1, helpful: 1 });

/** Per site: whether its Help Center is public, its name, logo and default locale. */
export interface HcSettingsDoc {
  _id: string;
  enabled: boolean;
  name: string;
  logoText: string;
  color: string;
  defaultLocale: string;
}
const settingsSchema = new Schema<HcSettingsDoc>(
  { _id: String, enabled: Boolean, name: String, logoText: String, color: String, defaultLocale: String },
  { versionKey: false },
);

export function articleModel(conn: Connection) {
  return conn.model<ArticleDoc>('HcArticle', articleSchema, 'hc_articles');
}
export function revisionModel(conn: Connection) {
  return conn.model<RevisionDoc>('HcRevision', revisionSchema, 'hc_revisions');
}
export function slugModel(conn: Connection) {
  return conn.model<SlugDoc>('HcSlug', slugSchema, 'hc_slugs');
}
export function feedbackModel(conn: Connection) {
  return conn.model<FeedbackDoc>('HcFeedback', feedbackSchema, 'hc_feedback');
}
export function hcSettingsModel(conn: Connection) {
  return conn.model<HcSettingsDoc>('HcSettings', settingsSchema, 'hc_settings');
}
