/**
 * Gates: fast checks every transaction passes before any human effort is spent — PII, safety,
 * confidence, structured output, prompt injection, AI-content label, external classifiers — and
 * the sampled LLM judge that runs later. The only file other domains import.
 */
export { compileGates, type CompileOptions, type GateSet } from './compile.js';
export type { OnError } from './config-path.js';
export { gateFacts } from './facts.js';
export type { GateInput, GateKeys } from './gate.js';
export { runGates, type GateRun } from './pipeline.js';
export type { Prompt } from './text.js';
export type { Finding, GateOutcome, GateResult, GateSignals } from './types.js';
export {
  collectVaulted,
  revealVaulted,
  storeVaulted,
  vaultToken,
  type Revealed,
  type Vaulted,
  type VaultCollector,
} from './vault/index.js';
export { enqueueJudge, judgeTask } from './judge/task.js';
