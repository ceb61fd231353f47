import { openDb, migrate } from '../src/db/index.js';
import { appendAudit } from '../src/audit/index.js';
import { mkdtempSync } from 'node:fs';
const dir = mkdtempSync('/tmp/integ-');
const db = await openDb(process.env.PGURL ? { databaseUrl: process.env.PGURL } : { dataDir: dir + '/db' });
await migrate(db);
const orig = db.transaction.bind(db);
const N = 6000;
const at = new Date();
await db.transaction((tx) => appendAudit(tx, Array.from({ length: N }, (_, j) => ({ tenantId: 'default', kind: 'k', transactionId: `t-${j % 997}`, actor: 'system', at, body: { n: j, text: 'x'.repeat(200) } }))));
(db as any).transaction = (fn: any) => orig((tx: any) => fn({ exec: tx.exec, query: async (sql: string, p: unknown[]) => { const t0 = performance.now(); const r = await tx.query(sql, p); console.log((performance.now() - t0).toFixed(1).padStart(8), sql.replace(/\s+/g, ' ').slice(0, 70)); return r; } }));
const { integrateBatch } = await import('../src/audit/index.js');
const { resolveConfig } = await import('../src/config.js');
const ctx = { db, config: resolveConfig({ dataDir: dir }, {}), clock: () => new Date() };
for (let i = 0; i < 3; i++) { const t0 = performance.now(); await integrateBatch(ctx); console.log('batch', (performance.now() - t0).toFixed(0)); }
await db.close();
