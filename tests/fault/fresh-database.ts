import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../db/ferretdb.sh');
// FAULT_FERRETDB_PORT (27031) lets two checkouts run the fault test side by side.
const port = process.env.FAULT_FERRETDB_PORT ?? '27031';
const pgDb = port === '27031' ? 'kamflo_fault_ferretdb' : `kamflo_fault_ferretdb_${port}`;
const env = { ...process.env, FERRETDB_PORT: port, FERRETDB_PG_DB: pgDb, FERRETDB_PG_POOL: '200' };

/**
 * With FAULT_FRESH_FERRETDB=1 (CI sets it) the fault test gets a FerretDB of its own, started
 * fresh on an empty PostgreSQL database: FerretDB 1.24 can hold on to PostgreSQL connections of
 * clients that died mid-request, and this test kills its server five times under load, so it
 * should not inherit what the rest of the suite left behind, nor leave anything to it.
 */
export default function setup(project: TestProject) {
  if (process.env.FAULT_FRESH_FERRETDB !== '1') return;
  const psql = (sql: string) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'root', '-d', 'postgres', '-qc', sql]);
  psql(`DROP DATABASE IF EXISTS ${pgDb}`);
  const uri = execFileSync(script, { env, encoding: 'utf8' }).trim().split('\n').at(-1)!;
  project.provide('mongoUri', uri);
  return () => {
    execFileSync(script, ['stop'], { env });
    psql(`DROP DATABASE IF EXISTS ${pgDb}`);
  };
}
