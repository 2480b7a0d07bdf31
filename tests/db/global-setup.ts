import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

/**
 * Tests talk to a real MongoDB-compatible server: MONGODB_URI when set (CI sets it to FerretDB,
 * see tests/db/ferretdb.sh), otherwise an embedded mongod from mongodb-memory-server.
 */
export default async function setup(project: TestProject) {
  const given = process.env.MONGODB_URI;
  if (given) {
    project.provide('mongoUri', given);
    return;
  }
  let server: { getUri(): string; stop(): Promise<boolean> };
  try {
    const { MongoMemoryServer } = await import('mongodb-memory-server');
    server = await MongoMemoryServer.create();
  } catch (err) {
    throw new Error(
      `The tests need a database. MONGODB_URI is unset and mongodb-memory-server could not start mongod ` +
        `(${(err as Error).message.split('\n')[0]}). Run tests/db/ferretdb.sh and export the MONGODB_URI it prints.`,
    );
  }
  project.provide('mongoUri', server.getUri());
  return async () => {
    await server.stop();
  };
}
