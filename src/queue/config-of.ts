import type { ActivePolicy } from '../ctx.js';
import { compileQueue, type QueueConfig } from './compile.js';

const compiled = new WeakMap<ActivePolicy, QueueConfig>();

/** The queue config of the policy in force; compiled once when the loader did not. */
export function queueConfigOf(policy: ActivePolicy): QueueConfig {
  if (policy.queue) return policy.queue;
  let config = compiled.get(policy);
  if (!config) compiled.set(policy, (config = compileQueue(policy.doc)));
  return config;
}
