import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import {
  INLINE_BUDGET_MS,
  COMMON_KEYS,
  fail,
  isRecord,
  readBoolean,
  readChoice,
  readCommon,
  readSection,
  readString,
  type GateCommon,
} from '../config-path.js';

/** The self-check fields a workflow may require in its JSON output (seed: "list assumptions, cite sources, output a confidence"). */
export const SELF_CHECK_FIELDS = ['assumptions', 'citations', 'sources', 'confidence'] as const;
/** One self-check field name. */
export type SelfCheckField = (typeof SELF_CHECK_FIELDS)[number];

/** What one workflow's output must look like. */
export interface WorkflowContract {
  /** The compiled JSON Schema, when the workflow declares one. */
  validate: ValidateFunction | null;
  self_check: SelfCheckField[];
  /** Citations must name a source the prompt supplied. */
  provenance: boolean;
}

/**
 * A policy's `gates.structured` section: `workflows` maps a workflow name (or `*` for any other)
 * to `{ schema, self_check, provenance }`. Defaults: `sentinel` `INSUFFICIENT_DATA`,
 * `insufficient_data` outcome `flag`, `invalid` outcome `flag`, `provenance` true.
 */
export interface StructuredConfig extends GateCommon {
  workflows: Record<string, WorkflowContract>;
  sentinel: string;
  insufficient_data: 'pass' | 'flag' | 'block';
  invalid: 'flag' | 'block';
}

// ajv-formats is CommonJS; its default export arrives as the module object under NodeNext.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as (
  ajv: Ajv,
) => Ajv;

function compileSchema(ajv: Ajv, schema: unknown, path: string): ValidateFunction {
  if (!isRecord(schema) && typeof schema !== 'boolean') fail(path, 'must be a JSON Schema (a mapping)');
  try {
    return ajv.compile(schema);
  } catch (err) {
    return fail(path, `not a valid JSON Schema: ${(err as Error).message}`);
  }
}

function parseContract(ajv: Ajv, value: unknown, path: string): WorkflowContract {
  const s = readSection(value, ['schema', 'self_check', 'provenance'], path);
  let selfCheck: SelfCheckField[] = [];
  if (s.self_check !== undefined) {
    if (!Array.isArray(s.self_check))
      fail(`${path}.self_check`, `must be a list of ${SELF_CHECK_FIELDS.join(', ')}`);
    selfCheck = s.self_check.map((f, i) =>
      readChoice(f, `${path}.self_check.${i}`, SELF_CHECK_FIELDS, 'confidence'),
    );
  }
  return {
    validate: s.schema === undefined ? null : compileSchema(ajv, s.schema, `${path}.schema`),
    self_check: selfCheck,
    provenance: readBoolean(s.provenance, `${path}.provenance`, true),
  };
}

/** Validates `gates.structured`, compiling each schema once; throws an Error starting with the bad path. */
export function parseStructuredConfig(value: unknown, path = 'gates.structured'): StructuredConfig {
  const s = readSection(
    value,
    [...COMMON_KEYS, 'workflows', 'sentinel', 'insufficient_data', 'invalid'],
    path,
  );
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  const workflows: Record<string, WorkflowContract> = {};
  if (s.workflows !== undefined) {
    if (!isRecord(s.workflows))
      fail(`${path}.workflows`, 'must be a mapping of workflow name (or *) to its contract');
    for (const [name, contract] of Object.entries(s.workflows)) {
      workflows[name] = parseContract(ajv, contract, `${path}.workflows.${name}`);
    }
  }
  return {
    ...readCommon(s, path, { budgetMs: INLINE_BUDGET_MS, onError: 'fail_open' }),
    workflows,
    sentinel: readString(s.sentinel, `${path}.sentinel`, 'INSUFFICIENT_DATA'),
    insufficient_data: readChoice(
      s.insufficient_data,
      `${path}.insufficient_data`,
      ['pass', 'flag', 'block'],
      'flag',
    ),
    invalid: readChoice(s.invalid, `${path}.invalid`, ['flag', 'block'], 'flag'),
  };
}
