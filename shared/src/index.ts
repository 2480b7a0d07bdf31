export * from './constants.ts';
export * from './schemas.ts';
export * from './dto.ts';
export * from './events.ts';
export * from './api.ts';
export * from './helpcenter.ts';
export * from './social.ts';
