// The only module with side effects: read config, connect, listen, handle signals.
import os from 'node:os';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { connectDatabase, EmbeddedMongoMissing, startEmbeddedMongo, type EmbeddedDatabase } from './db/connect.ts';
import { createApp } from './app.ts';
import { KAMFLO_VERSION } from './version.ts';

async function resolveDatabase(config: Config, log: Logger): Promise<{ uri: string; embedded?: EmbeddedDatabase }> {
  if (config.mongodbUri) return { uri: config.mongodbUri };
  try {
    const embedded = await startEmbeddedMongo(config.dataDir, log);
    return { uri: embedded.uri, embedded };
  } catch (err) {
    if (err instanceof EmbeddedMongoMissing) {
      process.stderr.write(
        `\nMONGODB_URI is not set, and the embedded MongoDB is not installed (mongodb-memory-server is a ` +
          `development dependency; a production install leaves it out). Either set MONGODB_URI to your ` +
          `database, for example MONGODB_URI=mongodb://127.0.0.1:27017/kamflo, or install the embedded ` +
          `one: run \`pnpm install\` without --prod (or \`pnpm --filter @kamflo/server add mongodb-memory-server\`).\n\n`,
      );
      process.exit(1);
    }
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    process.stderr.write(
      `\nKamflo could not start its embedded MongoDB (${reason}). With MONGODB_URI unset, Kamflo runs ` +
        `mongod through mongodb-memory-server, which downloads it on first start and keeps data in ` +
        `${config.dataDir}; that needs internet access once. Point Kamflo at any MongoDB-compatible ` +
        `server instead, for example MONGODB_URI=mongodb://127.0.0.1:27017/kamflo, or with no internet ` +
        `run tests/db/ferretdb.sh (FerretDB on a local PostgreSQL) and use the URI it prints.\n\n`,
    );
    process.exit(1);
  }
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee README.md, "Configuration".\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const db = await resolveDatabase(config, log);
  // Command monitoring times every database round trip for /metrics; it costs nothing while off.
  const conn = await connectDatabase(db.uri, { monitorCommands: Boolean(config.metricsToken) });
  log.info({ database: db.embedded ? 'embedded' : 'MONGODB_URI' }, 'database connected');

  const kamflo = await createApp({ conn, config, log });
  const admin = await kamflo.services.agents.ensureAdmin(config.admin);
  if (admin?.generatedPassword) {
    // Printed once, on the first start only: the admin should change it.
    log.warn({ email: admin.email, adminPassword: admin.generatedPassword }, 'created the first admin; this password is shown only once');
  } else if (admin) {
    log.info({ email: admin.email }, 'created the first admin from KAMFLO_ADMIN_EMAIL');
  }

  await new Promise<void>((resolve) => kamflo.httpServer.listen(config.port, config.host, resolve));
  const address = kamflo.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Only one live process can hold this host's port: what a killed predecessor left mid-send is ours to finish.
  await kamflo.services.channels.outbox.adopt(`${os.hostname()}:${port}`);
  kamflo.services.channels.outbox.runSoon();
  const base = config.publicUrl ?? `http://localhost:${port}`;
  log.info(
    {
      console: `${base}/console/`,
      demo: `${base}/demo/`,
      widget: `${base}/widget.js`,
      api: `${base}/api`,
      health: `${base}/healthz`,
      ready: `${base}/readyz`,
      ...(config.metricsToken ? { metrics: `${base}/metrics` } : {}),
      socketio: `${base}/socket.io (namespaces /visitor, /agent)`,
      version: KAMFLO_VERSION,
      // Since the process began (Node's own start included), and its resident memory now.
      startMs: Math.round(performance.now()),
      rssMb: Math.round(process.memoryUsage.rss() / 1048576),
    },
    `Kamflo is running: console ${base}/console/ · demo site ${base}/demo/`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining (/readyz answers 503), finishing in-flight work');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      // Draining first, then stop accepting (the listener closes), then in-flight requests finish.
      await kamflo.close();
      await conn.close();
      await db.embedded?.stop();
      clearTimeout(force);
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Kamflo failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
