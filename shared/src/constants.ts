// Everything the browser bundles may import without pulling in zod.
export * from './errors.ts';
export * from './tickets.ts';
export * from './agents.ts';
export * from './permissions.ts';
export * from './limits.ts';
export * from './sync.ts';
export * from './channels.ts';
