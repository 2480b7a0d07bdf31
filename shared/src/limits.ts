export const MAX_MESSAGE_LENGTH = 5000;
export const MAX_SUBJECT_LENGTH = 200;
/** Tags one ticket may carry. */
export const MAX_TICKET_TAGS = 20;
export const DEFAULT_SITE = 'default';

/** Socket.IO namespaces. */
export const VISITOR_NAMESPACE = '/visitor';
export const AGENT_NAMESPACE = '/agent';

/** New passwords: at least this long (no composition rules), and long passphrases are welcome. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
/** A search reads at most this many postings per word (one per ticket and field: subject, requester, messages), the newest tickets'; see TicketPage.partial. */
export const SEARCH_WORD_CAP = 2000;
/** Saved views count their tickets up to this many ("1000+" beyond). */
export const SAVED_VIEW_COUNT_CAP = 1000;
/** Saved views one agent may own. */
export const MAX_SAVED_VIEWS = 50;
