/**
 * The PII gate: finds Presidio-named entities in LLM prompts and outputs, validating checksums
 * where one exists, and redacts them with the operator the policy chooses per entity.
 * The only file other domains import.
 */
export { DEFAULT_REVEAL_ROLES, parsePiiConfig, type PiiConfig, type RedactOperator } from './config.js';
export { detectPii, DEFAULT_MIN_SCORE } from './detect.js';
export { DEFAULT_CONTEXT_WINDOW } from './context.js';
export { redactText, type RedactKeys } from './redact.js';
export { runPiiGate, type PiiGateInput, type PiiGateRun, type PromptMessage } from './gate.js';
export { DEFAULT_ENTITIES, ENTITY_TYPES, type EntityType } from './recognizer.js';
