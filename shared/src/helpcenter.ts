import { z } from 'zod';
import { cleanLine, cleanProse, siteKey } from './schemas.ts';

// The Help Center (issue 12): articles with drafts and published revisions, stable slugs,
// feedback and per-site settings. Inputs are zod schemas here;
// the DTOs below are what leaves the server.

export const HC_MAX_TITLE = 200;
export const HC_MAX_BODY = 100_000;
export const ARTICLE_STATUSES = ['draft', 'published'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

const line = (max: number) => z.string().overwrite(cleanLine).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const prose = (max: number) => z.string().overwrite(cleanProse).max(max, `must be at most ${max} characters`);
export const HC_MAX_GROUP = 80;
/** A category or section name (`Billing`, `Refunds`); empty for none. */
const group = z.string().overwrite(cleanLine).trim().max(HC_MAX_GROUP, `must be at most ${HC_MAX_GROUP} characters`);

/** `refund-policy`: lowercase letters and digits in words joined by single hyphens. */
export const hcSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters and digits joined by hyphens')
  .max(80, 'must be at most 80 characters');
/** `en`, `de`, `pt-BR`. */
export const hcLocale = z.string().regex(/^[a-z]{2}(?:-[A-Z]{2})?$/, 'must be a locale such as en or pt-BR');

export const articleCreateInput = z.strictObject({
  site: siteKey.optional(),
  title: line(HC_MAX_TITLE),
  /** Markdown. Rendered to sanitized HTML by the server; raw HTML in it is sanitized too. */
  body: prose(HC_MAX_BODY),
  locale: hcLocale.optional(),
  category: group.optional(),
  /** A section within the category. */
  section: group.optional(),
  /** Derived from the title when left out. */
  slug: hcSlug.optional(),
});
export const articleUpdateInput = z.strictObject({
  title: line(HC_MAX_TITLE).optional(),
  body: prose(HC_MAX_BODY).optional(),
  locale: hcLocale.optional(),
  /** Category, section and locale change at once (not a revision); an empty string leaves it out. */
  category: group.optional(),
  section: group.optional(),
  /** A new slug: the old one keeps redirecting to this article. */
  slug: hcSlug.optional(),
});
export const articlePreviewInput = z.strictObject({ body: prose(HC_MAX_BODY) });
export const siteQuery = z.strictObject({ site: siteKey.optional() });
export const articleListQuery = z.strictObject({ site: siteKey.optional(), status: z.enum(ARTICLE_STATUSES).optional() });

export const hcSettingsInput = z.strictObject({
  enabled: z.boolean(),
  name: line(100),
  logoText: line(40),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #1f6feb'),
  defaultLocale: hcLocale,
});

export const hcFeedbackInput = z.strictObject({ helpful: z.boolean() });

export type ArticleCreateInput = z.infer<typeof articleCreateInput>;
export type ArticleUpdateInput = z.infer<typeof articleUpdateInput>;
export type ArticlePreviewInput = z.infer<typeof articlePreviewInput>;
export type HcSettingsInput = z.infer<typeof hcSettingsInput>;
export type HcFeedbackInput = z.infer<typeof hcFeedbackInput>;

/** `GET /api/helpcenter/search` and the public site's search page. */
export const HC_MAX_QUERY = 200;
export const hcSearchQuery = z.strictObject({
  site: siteKey.optional(),
  q: line(HC_MAX_QUERY),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type HcSearchQuery = z.infer<typeof hcSearchQuery>;
/** A search hit: `titleHtml` and `snippetHtml` are escaped HTML whose only markup is `<mark>` around matched words. */
export interface HcSearchResultDto {
  title: string;
  titleHtml: string;
  slug: string;
  url: string;
  snippetHtml: string;
  score: number;
}

export interface HcArticleDto {
  id: string;
  site: string;
  slug: string;
  title: string;
  body: string;
  locale: string;
  /** Empty when none. */
  category: string;
  section: string;
  /** Published once a revision is live; the draft may be ahead of it (`unpublishedChanges`). */
  status: ArticleStatus;
  unpublishedChanges: boolean;
  /** The draft's revision number (every save is one). */
  revision: number;
  publishedRevision: number | null;
  authorName: string;
  updatedAt: string;
  publishedAt: string | null;
  /** The public page (published articles). */
  url: string;
}
export interface HcRevisionDto {
  n: number;
  title: string;
  authorName: string;
  at: string;
  /** This revision was published (at some point). */
  published: boolean;
}
export interface HcArticleDetailDto extends HcArticleDto {
  /** The draft body rendered as the public site will show it. */
  html: string;
  oldSlugs: string[];
  revisions: HcRevisionDto[];
  feedback: { yes: number; no: number };
}
export interface HcSettingsDto extends HcSettingsInput {
  site: string;
  /** The public site's home page: absolute when KAMFLO_PUBLIC_URL is set, else relative to the server. */
  url: string;
}
/** A readable slug from a title: `How do I get a refund?` → `how-do-i-get-a-refund`. */
export function slugify(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 70)
    .replace(/-+$/g, '');
  return s || 'article';
}

/** `GET /api/helpcenter/public/articles/:slug`: a published article, for the widget. Query: site. */
export interface HcPublicArticleDto {
  slug: string;
  title: string;
  /** Sanitized on the server when the article was published (server/src/helpcenter/markdown.ts). */
  html: string;
  url: string;
  updatedAt: string;
}
/** The visitor opened an article the widget suggested while they typed. */
export const hcSuggestedReadInput = z.strictObject({ article: hcSlug });
export type HcSuggestedReadInput = z.infer<typeof hcSuggestedReadInput>;
export const HC_DEFLECTION_MAX_DAYS = 90;
export const hcDeflectionQuery = z.strictObject({
  site: siteKey.optional(),
  days: z.coerce.number().int().min(1).max(HC_DEFLECTION_MAX_DAYS).default(30),
});
/**
 * Visitor sessions (a visitor's day, UTC) that opened a suggested article, over the last `days`:
 * `submitted` then opened a request or a chat, `deflected` did not.
 */
export interface HcDeflectionDto {
  site: string;
  days: number;
  read: number;
  submitted: number;
  deflected: number;
}
