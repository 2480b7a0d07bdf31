import escapeHtml from 'escape-html';

/** Message-IDs of Kamflo's own mail: `<kamflo.<ticket id>.<seq>.<kind>@<support domain>>`, the same on every retry. */
export function kamfloMessageId(ticketId: string, seq: number, kind: 'reply' | 'acknowledgement', domain: string): string {
  return `<kamflo.${ticketId}.${seq}.${kind === 'reply' ? 'r' : 'a'}@${domain}>`;
}

/** The ticket a Message-ID of ours names, if it is one. */
export function ticketIdFromMessageId(id: string): string | null {
  return /^<kamflo\.([0-9a-f]{24})\.\d+\.[ra]@[^>]+>$/.exec(id)?.[1] ?? null;
}

/** `[#1042]` in a subject. */
export function ticketNumberFromSubject(subject: string): number | null {
  const m = /\[#(\d{1,12})\]/.exec(subject);
  return m ? Number(m[1]) : null;
}

export function ticketSubject(number: number, subject: string): string {
  const clean = subject
    .replace(/^\s*((re|aw|fwd?|sv)\s*:\s*)+/i, '')
    .replace(/\[#\d+\]\s*/g, '')
    .trim();
  return `[#${number}] ${clean || 'Your request'}`;
}

/** The References of a new mail in the thread: the first and the latest ids, at most 20. */
export function references(thread: string[]): string[] {
  const unique = [...new Set(thread)];
  return unique.length <= 20 ? unique : [unique[0]!, ...unique.slice(-19)];
}

/** Plain text and HTML bodies of an agent's message. The text is escaped, never interpreted as HTML. */
export function bodies(text: string, footer: string): { text: string; html: string } {
  const paragraphs = text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 1em">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return {
    text: `${text}\n\n-- \n${footer}\n`,
    html: `<!doctype html><html><body style="font-family:sans-serif;font-size:14px;line-height:1.5">\n${paragraphs}\n<p style="margin:2em 0 0;color:#6b7280;font-size:12px">${escapeHtml(footer)}</p>\n</body></html>\n`,
  };
}
