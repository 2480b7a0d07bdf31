export const MAX_MESSAGE_LENGTH = 5000;
export const MAX_SUBJECT_LENGTH = 200;
export const DEFAULT_SITE = 'default';

/** Socket.IO namespaces. */
export const VISITOR_NAMESPACE = '/visitor';
export const AGENT_NAMESPACE = '/agent';

/** New passwords: at least this long (no composition rules), and long passphrases are welcome. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
