export const MAX_MESSAGE_LENGTH = 5000;
export const MAX_SUBJECT_LENGTH = 200;
export const DEFAULT_SITE = 'default';
