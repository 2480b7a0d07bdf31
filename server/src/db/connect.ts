import fs from 'node:fs';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../lib/logger.ts';

// No command buffering: while the database is away, operations fail fast (503) instead of hanging.
mongoose.set('bufferCommands', false);
mongoose.set('strictQuery', true);

export async function connectDatabase(uri: string, opts: { dbName?: string; monitorCommands?: boolean } = {}): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    dbName: opts.dbName,
    // Tests count the commands an action sends (a refused event must send none).
    monitorCommands: opts.monitorCommands ?? false,
    serverSelectionTimeoutMS: 5000,
    // An answer that never comes fails the operation instead of holding its caller for ever:
    // FerretDB 1.x can leave a request unanswered (seen after clients were killed mid-request),
    // and one hung append would block every later message of its conversation (chat.service's lane).
    socketTimeoutMS: 60_000,
    // Warm connections: opening one costs FerretDB a PostgreSQL connection (~100 ms). A bounded
    // pool keeps one process from flooding the database (FerretDB 1.x stalls when its own pool runs dry).
    minPoolSize: 2,
    maxPoolSize: 20,
    autoIndex: false,
    autoCreate: false,
  });
  await conn.asPromise();
  return conn;
}

export interface EmbeddedDatabase {
  uri: string;
  stop(): Promise<void>;
}

/** mongodb-memory-server is a development dependency: a production install (`--prod`) has none. */
export class EmbeddedMongoMissing extends Error {}

/** MONGODB_URI unset: run a real mongod under our data folder so data survives restarts. */
export async function startEmbeddedMongo(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  let memoryServer: typeof import('mongodb-memory-server');
  try {
    memoryServer = await import('mongodb-memory-server');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(err).includes("'mongodb-memory-server'"))
      throw new EmbeddedMongoMissing('mongodb-memory-server is not installed');
    throw err;
  }
  const { MongoMemoryServer } = memoryServer;
  fs.mkdirSync(dataDir, { recursive: true });
  log.info({ dataDir }, 'starting embedded MongoDB (first start downloads mongod)');
  const server = await MongoMemoryServer.create({
    instance: { dbPath: dataDir, storageEngine: 'wiredTiger', dbName: 'kamflo' },
  });
  return {
    uri: server.getUri('kamflo'),
    stop: async () => {
      await server.stop({ doCleanup: false });
    },
  };
}
