import { appendAudit } from '../../audit/index.js';
import type { Ctx } from '../../ctx.js';
import type { ScheduledTask } from '../../scheduler/index.js';
import type { Principal } from '../../keys/index.js';
import { promptText, type Prompt } from '../text.js';
import type { JudgeConfig } from './config.js';
import {
  claimJudgeJobs,
  insertJudgeJob,
  insertJudgeScore,
  recordJudgeFailure,
  type ClaimedJudgeJob,
} from './queries.js';
import { isSampled } from './sample.js';
import { judgeRequest, readJudgeVerdict, type JudgeVerdict } from './verdict.js';

/** Jobs one run works at most: bounds a run's time when the backlog is long. */
const BATCH = 20;
/** A retry waits this long per attempt already made. */
const RETRY_STEP_MS = 60_000;

/**
 * Queues a transaction for the sampled LLM judge when the policy has one and the transaction is
 * in its sample (`isSampled`). Only a row is written here: the judge call never runs on intake,
 * and a failure to queue is logged, never returned to the caller.
 */
export async function enqueueJudge(ctx: Ctx, by: Principal, transactionId: string): Promise<void> {
  const judge = ctx.policy().gates.judge;
  if (!judge || !isSampled(transactionId, judge.sample_rate)) return;
  try {
    await insertJudgeJob(ctx.db, by.tenantId, transactionId, ctx.clock());
  } catch (err) {
    // The transaction is committed and answered; a lost sample only thins the quality SLO's data.
    ctx.log.error('judge sample not queued', { transaction_id: transactionId, error: String(err) });
  }
}

async function callJudge(config: JudgeConfig, job: ClaimedJudgeJob): Promise<JudgeVerdict> {
  const key = config.api_key_env ? process.env[config.api_key_env] : undefined;
  const res = await fetch(config.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(
      judgeRequest(
        config.model,
        config.rubric,
        promptText(job.redacted_prompt as Prompt),
        job.redacted_output,
      ),
    ),
    signal: AbortSignal.timeout(config.timeout_ms),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return readJudgeVerdict(JSON.parse(text));
}

async function judgeOne(ctx: Ctx, config: JudgeConfig, job: ClaimedJudgeJob): Promise<void> {
  let verdict: JudgeVerdict;
  try {
    verdict = await callJudge(config, job);
  } catch (err) {
    const final = job.attempts >= config.max_attempts;
    const retryAt = new Date(ctx.clock().getTime() + RETRY_STEP_MS * job.attempts);
    await recordJudgeFailure(ctx.db, job, (err as Error).message, retryAt, final);
    return;
  }
  const at = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    await insertJudgeScore(tx, { ...job, ...verdict, model: config.model, judged_at: at });
    await appendAudit(tx, [
      {
        tenantId: job.tenant_id,
        kind: 'judge.scored',
        transactionId: job.transaction_id,
        actor: 'system',
        at,
        body: { score: verdict.score, rationale: verdict.rationale, model: config.model },
      },
    ]);
  });
}

/**
 * Works the judge queue: claims due jobs (leased for the call's timeout plus a minute), asks the
 * judge, stores the 1–5 score with an audit entry; a failure is retried later, `max_attempts` in all.
 */
export const judgeTask: ScheduledTask = {
  name: 'gates.judge',
  everyMs: 5_000,
  async run(ctx) {
    const config = ctx.policy().gates.judge;
    if (!config) return;
    const now = ctx.clock();
    const jobs = await claimJudgeJobs(
      ctx.db,
      now,
      new Date(now.getTime() + config.timeout_ms + 60_000),
      BATCH,
    );
    for (const job of jobs) await judgeOne(ctx, config, job);
  },
};
