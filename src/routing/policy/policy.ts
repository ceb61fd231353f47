import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { GatehouseError } from '../../errors.js';
import type { Calendar } from '../../queue/clock/calendar.js';
import { checkPolicy } from './checks.js';
import { PolicySchema, type PolicyDoc } from './schema.js';

export type {
  Condition,
  CounterSpec,
  PolicyDoc,
  Remediation,
  RoutingAction,
  RoutingOutcome,
  Rule,
  SlaSpec,
} from './schema.js';

/**
 * A validated policy: the document, its version `<name>@<first 12 hex of SHA-256 of the file>`,
 * the file text it came from (stored with the version) and its calendars, parsed.
 */
export interface Policy extends PolicyDoc {
  version: string;
  source: string;
  file: string;
  business_calendars: Record<string, Calendar>;
}

/** A YAML path: keys and list indexes from the document root. */
export type YamlPath = (string | number)[];

/** Parses and validates policy YAML; every error names `file:line:col: yaml.path: what`. */
export function parsePolicy(text: string, file = 'policy'): Policy {
  const { doc, lines } = parseYaml(text, file);
  const parsed = PolicySchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    throw located(doc, lines, file, unknownKey ? [...path, unknownKey] : path, issue.message);
  }
  const policy = parsed.data;
  const calendars = checkPolicy(policy, (path, msg) => {
    throw located(doc, lines, file, path, msg);
  });
  const version = `${policy.name}@${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
  return { ...policy, version, source: text, file, business_calendars: calendars };
}

/** Reads a policy file's text; a missing file is `policy_invalid`. */
export function readPolicyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new GatehouseError('policy_invalid', `cannot read policy ${path}: ${(err as Error).message}`);
  }
}

/** Reads and validates a policy file from disk (its own sections only; see `compilePolicySource`). */
export function loadPolicyFile(path: string): Policy {
  return parsePolicy(readPolicyFile(path), path);
}

/**
 * Gives an error from another domain's section compiler (`<yaml.path>: <what>`) the policy's
 * `file:line:col`, as `policy_invalid`; an error already located passes through.
 */
export function locatePolicyError(policy: Policy, err: unknown): GatehouseError {
  const message = (err as Error).message ?? String(err);
  if (message.startsWith(`${policy.file}:`)) return new GatehouseError('policy_invalid', message);
  const m = /^([A-Za-z0-9_.-]+): ([\s\S]*)$/.exec(message);
  const path: YamlPath = m ? m[1]!.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)) : [];
  const { doc, lines } = parseYaml(policy.source, policy.file);
  return located(doc, lines, policy.file, path, m ? m[2]! : message);
}

function parseYaml(text: string, file: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const e = doc.errors[0];
  if (e) {
    throw new GatehouseError(
      'policy_invalid',
      `${file}:${e.linePos?.[0].line ?? 0}:${e.linePos?.[0].col ?? 0}: ${e.message.split('\n')[0]}`,
    );
  }
  return { doc, lines };
}

function located(
  doc: Document,
  lines: LineCounter,
  file: string,
  path: YamlPath,
  msg: string,
): GatehouseError {
  const at = path.length > 0 ? `${path.join('.')}: ` : '';
  return new GatehouseError('policy_invalid', `${file}:${position(doc, lines, path)}: ${at}${msg}`);
}

function position(doc: Document, lines: LineCounter, path: YamlPath): string {
  // The deepest node that exists on the path gives the position to report.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number] } | undefined;
    if (node?.range) {
      const pos = lines.linePos(node.range[0]);
      return `${pos.line}:${pos.col}`;
    }
  }
  return '1:1';
}
