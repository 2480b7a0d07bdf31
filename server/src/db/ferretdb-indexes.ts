import crypto from 'node:crypto';
import pg from 'pg';
import type { Connection, Schema } from 'mongoose';

/** What is read of a model: its collection's name and its schema's indexes and paths. */
type ModelLike = { collection: { collectionName: string }; schema: Schema };
import type { Logger } from '../lib/logger.ts';

/**
 * Index-served equality on FerretDB 1.x. FerretDB turns an equality filter into
 * `_jsonb->'field' @> value` on the collection's PostgreSQL table, but the indexes it creates
 * for createIndex are btree indexes, which `@>` cannot use: every lookup, even by _id, reads the
 * whole table (measured at 100,000 tickets: ~100 ms per findOne by _id or number). A GIN index
 * on the same expression serves `@>` (2–3 ms there). Given FerretDB's PostgreSQL, this creates
 * one for _id and for every field but dates of every index Kamflo declares, in FerretDB's
 * own tables; FerretDB does not see them (its index list lives in its metadata table) and drops
 * them with the collection. Sorts and ranges still run inside FerretDB (ARCHITECTURE.md).
 */
export interface GinIndex {
  collection: string;
  /** The document field, dotted for a nested one. */
  field: string;
}

/** The GIN indexes for these models: _id, and every field of each declared index but dates (only sorted and compared by range: a GIN index gains them nothing). PostgreSQL combines several for a filter on several fields. */
export function ginIndexesFor(models: ModelLike[]): GinIndex[] {
  const out: GinIndex[] = [];
  for (const model of models) {
    const collection = model.collection.collectionName;
    const fields = new Set<string>(['_id']);
    for (const [keys] of model.schema.indexes()) {
      for (const field of Object.keys(keys)) {
        if (field === '_id' || model.schema.path(field)?.instance === 'Date') continue;
        fields.add(field);
      }
    }
    for (const field of fields) out.push({ collection, field });
  }
  return out;
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The expression FerretDB filters on: `_jsonb->'f'`, or `_jsonb#>'{a,b}'` for a dotted path. */
export function jsonbExpression(field: string): string {
  const parts = field.split('.');
  return parts.length === 1 ? `(_jsonb->${quoteLiteral(field)})` : `(_jsonb#>${quoteLiteral(`{${parts.join(',')}}`)})`;
}

export const ginIndexName = (table: string, field: string) =>
  `kamflo_gin_${table.slice(0, 32)}_${crypto.createHash('sha1').update(field).digest('hex').slice(0, 8)}`;

/**
 * Create what is missing (CONCURRENTLY: writes go on while a large table is indexed). Only the
 * collections FerretDB has a table for; returns the indexes created.
 */
export async function ensureFerretDbIndexes(opts: { postgresUrl: string; conn: Connection; models: ModelLike[]; log: Logger }): Promise<string[]> {
  const schema = opts.conn.db!.databaseName;
  const client = new pg.Client({ connectionString: opts.postgresUrl });
  await client.connect();
  try {
    const tables = new Map<string, string>();
    const meta = await client.query<{ coll: string; tbl: string }>(
      `SELECT _jsonb->>'_id' AS coll, _jsonb->>'table' AS tbl FROM ${quoteIdent(schema)}._ferretdb_database_metadata`,
    );
    for (const r of meta.rows) tables.set(r.coll, r.tbl);
    const have = new Set(
      (await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [schema])).rows.map((r) => r.indexname),
    );
    const created: string[] = [];
    for (const { collection, field } of ginIndexesFor(opts.models)) {
      const table = tables.get(collection);
      if (!table) continue;
      const name = ginIndexName(table, field);
      if (have.has(name)) continue;
      await client.query(
        `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(name)} ON ${quoteIdent(schema)}.${quoteIdent(table)} USING gin (${jsonbExpression(field)})`,
      );
      created.push(`${collection}.${field}`);
    }
    if (created.length) opts.log.info({ created }, 'FerretDB: GIN indexes for equality lookups created');
    return created;
  } finally {
    await client.end().catch(() => {});
  }
}
