// The audit domain's door: what other domains may import.
export { appendAudit, appendAuditFrom, toAuditRows, type AuditInput } from './append.js';
export { auditCompleteness, type AuditCompleteness } from './completeness.js';
export { AUDIT_RETENTION_TASK, eraseTransactions, enforceRetention, retentionDays } from './erase.js';
export { AUDIT_CHANNEL, AUDIT_INTEGRATOR_TASK, integrateBatch, integratePending } from './integrate.js';
export { awaitTransactionReceipts, type EntryReceipt } from './receipt-wait.js';
export { listTransactionAudit, type AuditEntry } from './transaction-audit.js';
