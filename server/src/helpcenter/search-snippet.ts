import escapeHtml from 'escape-html';

// Words as MiniSearch's default tokenizer sees them: runs between spaces and punctuation.
const WORD = /[^\n\r\p{Z}\p{P}]+/gu;

/** `text` as HTML: every word in `terms` (lowercase) inside `<mark>`, everything else escaped. */
export function highlight(text: string, terms: ReadonlySet<string>): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(WORD)) {
    if (!terms.has(m[0].toLowerCase())) continue;
    out += `${escapeHtml(text.slice(last, m.index))}<mark>${escapeHtml(m[0])}</mark>`;
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

/** About `size` characters of `text` around its first matched word, highlighted (escaped HTML). */
export function snippet(text: string, terms: ReadonlySet<string>, size = 200): string {
  let first = -1;
  for (const m of text.matchAll(WORD)) {
    if (terms.has(m[0].toLowerCase())) {
      first = m.index;
      break;
    }
  }
  if (text.length <= size) return highlight(text, terms);
  let start = first < 0 ? 0 : Math.max(0, first - Math.floor(size / 3));
  // Start and end on word boundaries.
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(text.length, start + size);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  return `${start > 0 ? '… ' : ''}${highlight(text.slice(start, end), terms)}${end < text.length ? ' …' : ''}`;
}
