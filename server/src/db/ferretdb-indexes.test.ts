import crypto from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { connectDatabase } from './connect.ts';
import { createApp } from '../app.ts';
import { testConfig } from '../config.ts';
import { silentLogger } from '../lib/logger.ts';
import { ginIndexName, ginIndexesFor } from './ferretdb-indexes.ts';
import { kamfloModels } from './indexes.ts';

// On FerretDB (what CI runs): with KAMFLO_FERRETDB_POSTGRES_URL, the server adds GIN indexes to
// FerretDB's tables, and PostgreSQL then answers FerretDB's own equality SQL from them. Elsewhere
// (a real MongoDB) there is nothing to test.
const postgresUrl = process.env.FERRETDB_PG_URL ?? `postgres://root@127.0.0.1:5432/${process.env.FERRETDB_PG_DB ?? 'kamflo_ferretdb'}`;
const dbName = `kamflo_gin_${crypto.randomBytes(4).toString('hex')}`;
let conn: Awaited<ReturnType<typeof connectDatabase>>;
let onFerretDb = false;
let pgc: pg.Client;

beforeAll(async () => {
  conn = await connectDatabase(inject('mongoUri'), { dbName });
  const info = await conn.db!.admin().command({ buildInfo: 1 });
  onFerretDb = 'ferretdbVersion' in info;
  if (!onFerretDb) return;
  pgc = new pg.Client({ connectionString: postgresUrl });
  await pgc.connect();
}, 60_000);
afterAll(async () => {
  await pgc?.end();
  await conn.dropDatabase().catch(() => {});
  await conn.close();
});

it('on FerretDB, lookups by _id, ticket number and a ticket’s events are served by the GIN indexes Kamflo adds', async (ctx) => {
  if (!onFerretDb) {
    // CI runs on FerretDB: there, not finding it is a failure, not a skip.
    expect(process.env.CI, 'CI runs the tests on FerretDB').toBeFalsy();
    return ctx.skip();
  }
  const app = await createApp({ conn, config: testConfig({ ferretdbPostgresUrl: postgresUrl }), log: silentLogger, sweepIntervalMs: false });
  try {
    const wanted = ginIndexesFor(kamfloModels(conn)).map((g) => `${g.collection}.${g.field}`);
    expect(wanted).toEqual(
      expect.arrayContaining(['tickets._id', 'tickets.number', 'ticket_events.ticketId', 'messages.conversationId', 'conversations.visitorId']),
    );
    expect(wanted).not.toContain('tickets.slaDueAt'); // a date: only sorted and compared by range

    const tables = new Map(
      (
        await pgc.query<{ coll: string; tbl: string }>(`SELECT _jsonb->>'_id' AS coll, _jsonb->>'table' AS tbl FROM "${dbName}"._ferretdb_database_metadata`)
      ).rows.map((r) => [r.coll, r.tbl]),
    );
    const indexes = new Set(
      (await pgc.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [dbName])).rows.map((r) => r.indexname),
    );
    for (const w of wanted) {
      const [collection, ...rest] = w.split('.');
      const table = tables.get(collection!);
      if (table) expect(indexes.has(ginIndexName(table, rest.join('.'))), w).toBe(true);
    }

    // The SQL FerretDB 1.24 runs for {number: 1001} (filterEqual: `_jsonb->'number' @> …`) uses the index.
    const tickets = tables.get('tickets')!;
    await pgc.query(`SET enable_seqscan = off`); // an empty table: make the planner show what it can use
    const plan = (await pgc.query(`EXPLAIN SELECT _jsonb FROM "${dbName}"."${tickets}" WHERE _jsonb->'number' @> '1001'`)).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain(ginIndexName(tickets, 'number'));
    await pgc.query(`RESET enable_seqscan`);

    // A second start finds them all and creates nothing (no DDL on a restart under load).
    const again = await createApp({ conn, config: testConfig({ ferretdbPostgresUrl: postgresUrl }), log: silentLogger, sweepIntervalMs: false });
    await again.close();
    const after = (await pgc.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [dbName])).rows.length;
    expect(after).toBe(indexes.size);
  } finally {
    await app.close();
  }
}, 120_000);

it('a wrong KAMFLO_FERRETDB_POSTGRES_URL does not stop the server: it starts and says why in the log', async (ctx) => {
  if (!onFerretDb) return ctx.skip();
  const lines: string[] = [];
  const log = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
  const app = await createApp({ conn, config: testConfig({ ferretdbPostgresUrl: 'postgres://root@127.0.0.1:1/none' }), log, sweepIntervalMs: false });
  await app.close();
  expect(lines.some((l) => l.includes('could not add the GIN indexes'))).toBe(true);
}, 60_000);
