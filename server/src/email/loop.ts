import type { HeaderValue, Headers } from 'mailparser';

// RFC 3834 and common practice: mail that is automatic, bulk or a bounce is never answered
// automatically, so two auto-responders cannot ping-pong.

function headerText(v: HeaderValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => headerText(x as HeaderValue)).join(',');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && 'value' in v) return String((v as { value: unknown }).value ?? '');
  return String(v);
}

/** Why a mail must never get an automatic answer, or null when it may. */
export function whyNoAutoReply(headers: Headers, envelopeFrom: string | null | undefined, from: string): string | null {
  const auto = headerText(headers.get('auto-submitted')).trim().toLowerCase();
  if (auto && auto !== 'no') return `Auto-Submitted: ${auto}`;
  const precedence = headerText(headers.get('precedence')).trim().toLowerCase();
  if (['bulk', 'list', 'junk'].includes(precedence)) return `Precedence: ${precedence}`;
  if (headers.has('list-id')) return 'a mailing list (List-Id)';
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) return 'an auto-reply header';
  const returnPath = headerText(headers.get('return-path')).trim().toLowerCase();
  if (returnPath === '<>' || envelopeFrom === '' || (envelopeFrom === null && headers.has('return-path') && !returnPath)) return 'a null return path';
  const bounceLike = /^(mailer-daemon|postmaster)@/i;
  if (bounceLike.test(from) || bounceLike.test(returnPath.replace(/[<>]/g, '')) || (envelopeFrom && bounceLike.test(envelopeFrom))) return 'a mailer-daemon';
  return null;
}
