import { toAuditRows } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import {
  insertCounterHitsSql,
  upsertCaseRoutesSql,
  type CaseRouteRow,
  type CounterHitRow,
} from '../routing/index.js';
import { CASE_COLUMNS, clockEventInsertCtes, type CaseRow, type ClockEventRow } from '../queue/index.js';

export type { CaseRow } from '../queue/index.js';

/** A transactions row as intake writes it. */
export interface TransactionRow {
  tenant_id: string;
  id: string;
  idempotency_key: string | null;
  request_hash: string | null;
  workflow: string | null;
  verdict: 'released' | 'held' | 'blocked';
  risk_class: string;
  reason: string | null;
  action: string;
  prompt: unknown;
  redacted_prompt: unknown;
  output: string;
  redacted_output: string;
  released_output: string | null;
  model: unknown;
  parameters: unknown;
  confidence: number | null;
  metadata: unknown;
  telemetry: unknown;
  gates: unknown;
  policy_version: string;
  matched_rules: string[];
  remediation: unknown[];
  case_id: string | null;
  created_at: string;
  decided_at: string | null;
}

/** An audit_entries row as intake writes it. */
export type AuditRow = ReturnType<typeof toAuditRows>[number];

const AUDIT_COLUMNS: [string, string][] = [
  ['tenant_id', 'text'],
  ['kind', 'text'],
  ['transaction_id', 'text'],
  ['case_id', 'text'],
  ['actor', 'text'],
  ['at', 'timestamptz'],
  ['body', 'jsonb'],
];

const TX_COLUMNS: [keyof TransactionRow, string][] = [
  ['tenant_id', 'text'],
  ['id', 'text'],
  ['idempotency_key', 'text'],
  ['request_hash', 'text'],
  ['workflow', 'text'],
  ['verdict', 'text'],
  ['risk_class', 'text'],
  ['reason', 'text'],
  ['action', 'text'],
  ['prompt', 'jsonb'],
  ['redacted_prompt', 'jsonb'],
  ['output', 'text'],
  ['redacted_output', 'text'],
  ['released_output', 'text'],
  ['model', 'jsonb'],
  ['parameters', 'jsonb'],
  ['confidence', 'double precision'],
  ['metadata', 'jsonb'],
  ['telemetry', 'jsonb'],
  ['gates', 'jsonb'],
  ['policy_version', 'text'],
  ['matched_rules', 'text[]'],
  ['remediation', 'jsonb'],
  ['case_id', 'text'],
  ['created_at', 'timestamptz'],
  ['decided_at', 'timestamptz'],
];

// Rows travel as one JSON parameter per table, expanded by jsonb_to_recordset.
function selectRowsSql(param: string, columns: [string, string][]): string {
  const names = columns.map(([n]) => n).join(', ');
  const types = columns.map(([n, t]) => `${n} ${t}`).join(', ');
  return `select ${names} from jsonb_to_recordset(${param}::jsonb) as x(${types})`;
}

const names = (columns: [string, string][]): string => columns.map(([n]) => n).join(', ');

// One statement, so one round trip and one implicit transaction for a whole batch: data-modifying
// CTEs insert the transactions, their cases and their audit entries together. Foreign keys are
// checked at the end of the statement, after all three inserts.
const INSERT_INTAKE = `with
  t as (insert into transactions (${names(TX_COLUMNS)}) ${selectRowsSql('$1', TX_COLUMNS)}),
  c as (insert into cases (${names(CASE_COLUMNS)}) ${selectRowsSql('$2', CASE_COLUMNS)}),
  ${clockEventInsertCtes('$4')},
  h as (${insertCounterHitsSql('$5')}),
  r as (${upsertCaseRoutesSql('$6')})
insert into audit_entries (${names(AUDIT_COLUMNS)}) ${selectRowsSql('$3', AUDIT_COLUMNS)}`;

/** Inserts transactions, their cases and clock events, audit entries and routing state atomically in one statement. */
export async function insertIntakes(
  q: Queryable,
  rows: {
    transactions: TransactionRow[];
    cases: CaseRow[];
    audit: AuditRow[];
    clockEvents: ClockEventRow[];
    counterHits: CounterHitRow[];
    caseRoutes: CaseRouteRow[];
  },
): Promise<void> {
  await q.query(INSERT_INTAKE, [
    JSON.stringify(rows.transactions),
    JSON.stringify(rows.cases),
    JSON.stringify(rows.audit),
    JSON.stringify(rows.clockEvents),
    JSON.stringify(rows.counterHits),
    JSON.stringify(rows.caseRoutes),
  ]);
}

/** A transaction as `GET /v1/transactions/{id}` shows it. */
export interface StoredTransaction {
  id: string;
  verdict: 'released' | 'held' | 'blocked';
  released_output: string | null;
  redacted_output: string;
  gates: unknown;
  risk_class: string;
  reason: string | null;
  action: string;
  case_id: string | null;
  policy_version: string;
  matched_rules: string[];
  remediation: unknown[];
  created_at: Date;
  decided_at: Date | null;
  request_hash: string | null;
}

const STORED_COLUMNS = `id, verdict, released_output, redacted_output, gates, risk_class, reason, action, case_id, policy_version,
  matched_rules, remediation, created_at, decided_at, request_hash`;

/** Loads one transaction of a tenant. */
export async function findTransaction(
  q: Queryable,
  tenantId: string,
  id: string,
): Promise<StoredTransaction | undefined> {
  const { rows } = await q.query<StoredTransaction>(
    `select ${STORED_COLUMNS} from transactions where tenant_id = $1 and id = $2`,
    [tenantId, id],
  );
  return rows[0];
}

/** Loads the transaction first sent with an idempotency key, if any. */
export async function findByIdempotencyKey(
  q: Queryable,
  tenantId: string,
  key: string,
): Promise<StoredTransaction | undefined> {
  const { rows } = await q.query<StoredTransaction>(
    `select ${STORED_COLUMNS} from transactions where tenant_id = $1 and idempotency_key = $2`,
    [tenantId, key],
  );
  return rows[0];
}

/** The tenant's key for the PII gate's `hash` operator. */
export async function tenantHashKey(q: Queryable, tenantId: string): Promise<Uint8Array> {
  const { rows } = await q.query<{ pii_hash_key: string }>(`select pii_hash_key from tenants where id = $1`, [
    tenantId,
  ]);
  return Buffer.from(rows[0]!.pii_hash_key, 'hex');
}
