import EmailReplyParser from 'email-reply-parser';

/**
 * The new part of a customer's mail: quoted history ("On … wrote:", "> …") and the signature
 * ("-- ", "Sent from my phone") are left out. Falls back to the whole text when trimming would
 * leave nothing (an answer written only between quotes, say).
 */
export function trimReply(text: string): { text: string; trimmed: boolean } {
  const full = text.replace(/\r\n/g, '\n').trim();
  if (!full) return { text: '', trimmed: false };
  let visible = '';
  try {
    visible = new EmailReplyParser().read(full).getVisibleText().trim();
  } catch {
    visible = '';
  }
  if (!visible) return { text: full, trimmed: false };
  return { text: visible, trimmed: visible !== full };
}
