/**
 * Words as ticket search indexes and queries them: the same normalisation on both sides, so a
 * query word matches a stored term by plain equality (the one comparison both databases serve).
 */

// Words too common to tell tickets apart (English; they are dropped from texts and queries).
const STOP_WORDS = new Set(
  'a an and are as at be been but by can do for from had has have he her his i if in into is it its me my no not of on or our she so than that the their them then there they this to us was we were what when which who will with you your'.split(
    ' ',
  ),
);

/** Terms kept from one text at most (a long message adds no more than this many postings). */
const MAX_TERMS_PER_TEXT = 400;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

/** Lowercase, accents folded (é → e), so "Café" and "cafe" meet. */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** A light stemmer: plurals to their singular ("refunds" → "refund", "replies" → "reply"), numbers untouched. */
function stem(word: string): string {
  if (/^\p{N}+$/u.test(word)) return word;
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The distinct terms of a text: email addresses whole, then each word (2–40 characters, stop words dropped, stemmed). */
export function searchTerms(text: string): string[] {
  const folded = fold(text);
  const out = new Set<string>();
  for (const m of folded.matchAll(EMAIL)) if (m[0].length <= 120) out.add(m[0]);
  for (const w of folded.split(/[^\p{L}\p{N}]+/u)) {
    if (out.size >= MAX_TERMS_PER_TEXT) break;
    if (w.length < 2 || w.length > 40 || STOP_WORDS.has(w)) continue;
    out.add(stem(w));
  }
  return [...out];
}

/** A search box's text: `#1234` names a ticket; the rest are words, every one of which must match. */
export function parseSearch(q: string): { number?: number; terms: string[] } {
  let number: number | undefined;
  const rest = q.replace(/(?:^|\s)#(\d{1,12})(?=\s|$)/g, (_, n: string) => {
    number ??= Number(n);
    return ' ';
  });
  // An email address in a query is its whole term only: its parts ("example", "com") are in many
  // requesters and would only cost reading their postings.
  const emails = [...fold(rest).matchAll(EMAIL)].map((m) => m[0]).filter((e) => e.length <= 120);
  const words = searchTerms(fold(rest).replace(EMAIL, ' '));
  // A query may name more words than are worth intersecting; the first eight decide.
  return { ...(number !== undefined ? { number } : {}), terms: [...new Set([...emails, ...words])].slice(0, 8) };
}
