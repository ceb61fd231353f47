import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { GatehouseError } from './errors.js';

/** The package's example policies, from both src/ and dist/. */
export const POLICIES_DIR = fileURLToPath(new URL('../policies/', import.meta.url));

/** The shipped example SLO file (seed 3's tables), from both src/ and dist/. */
export const SLO_FILE = fileURLToPath(new URL('../slo/llm-slos.yaml', import.meta.url));

/** Every setting, with its default. Resolved flag → GATEHOUSE_* env → config file → default. */
export const ConfigSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port (0 picks a free one)'),
    host: z.string().min(1).default('127.0.0.1').describe('Address to listen on; 0.0.0.0 for all interfaces'),
    dataDir: z.string().min(1).default('./.gatehouse').describe('Embedded store and admin.key directory'),
    databaseUrl: z.string().url().optional().describe('PostgreSQL server URL; the embedded store when unset'),
    pgPreparedStatements: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
      .default(true)
      .describe(
        'Prepare statements on the PostgreSQL server; false behind a pooler that cannot keep them (PgBouncer before 1.21 in transaction mode)',
      ),
    policy: z
      .string()
      .min(1)
      .default(POLICIES_DIR + 'default.yaml')
      .describe('Policy file routing transactions'),
    sloFile: z
      .string()
      .min(1)
      .default(SLO_FILE)
      .describe('SLO file (docs/SLO.md) that GET /v1/slo and alerts judge'),
    adminKey: z.string().min(24).optional().describe('Bootstrap admin API key; generated when unset'),
    bodyLimitBytes: z.coerce
      .number()
      .int()
      .positive()
      .default(1_048_576)
      .describe('Largest accepted request body'),
    leaseSeconds: z.coerce.number().int().positive().default(300).describe('How long a claim holds a case'),
    maxWaitSeconds: z.coerce
      .number()
      .int()
      .min(0)
      .default(60)
      .describe('Longest long-poll a client may ask for'),
    auditOrigin: z
      .string()
      .regex(/^[^\s+]+$/, 'no spaces or plus signs')
      .default('gatehouse.local/audit')
      .describe(
        'Audit checkpoint origin: a name unique to this deployment, e.g. audit.example.com/gatehouse',
      ),
    auditKey: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Audit checkpoint signer key(s), PRIVATE+KEY+… separated by whitespace; else <dataDir>/audit.key',
      ),
    auditRetentionDays: z.coerce
      .number()
      .int()
      .positive()
      .default(1095)
      .describe("Days a transaction's audit payloads are kept before the retention job erases them"),
  })
  .strict();

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

const ENV_NAMES: Record<keyof Config, string> = {
  port: 'GATEHOUSE_PORT',
  host: 'GATEHOUSE_HOST',
  dataDir: 'GATEHOUSE_DATA_DIR',
  databaseUrl: 'GATEHOUSE_DATABASE_URL',
  pgPreparedStatements: 'GATEHOUSE_PG_PREPARED_STATEMENTS',
  policy: 'GATEHOUSE_POLICY',
  sloFile: 'GATEHOUSE_SLO_FILE',
  adminKey: 'GATEHOUSE_ADMIN_KEY',
  bodyLimitBytes: 'GATEHOUSE_BODY_LIMIT_BYTES',
  leaseSeconds: 'GATEHOUSE_LEASE_SECONDS',
  maxWaitSeconds: 'GATEHOUSE_MAX_WAIT_SECONDS',
  auditOrigin: 'GATEHOUSE_AUDIT_ORIGIN',
  auditKey: 'GATEHOUSE_AUDIT_KEY',
  auditRetentionDays: 'GATEHOUSE_AUDIT_RETENTION_DAYS',
};

/**
 * Resolves the configuration: `flags` (undefined = not given) win over the environment, which wins
 * over the YAML `configFile`, which wins over defaults. Throws `config_invalid` naming the setting.
 */
export function resolveConfig(
  flags: Partial<Record<keyof Config, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
  configFile = env.GATEHOUSE_CONFIG,
): Config {
  const file = configFile ? readConfigFile(configFile) : {};
  const merged: Record<string, unknown> = { ...file };
  for (const key of Object.keys(ENV_NAMES) as (keyof Config)[]) {
    const fromEnv = env[ENV_NAMES[key]];
    if (fromEnv !== undefined && fromEnv !== '') merged[key] = fromEnv;
    if (flags[key] !== undefined) merged[key] = flags[key];
  }
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? (issue.code === 'unrecognized_keys' ? issue.keys[0] : ''));
    const source = ENV_NAMES[key as keyof Config] ?? key;
    throw new GatehouseError('config_invalid', `config ${key} (${source}): ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new GatehouseError('config_invalid', `cannot read config file ${path}: ${(err as Error).message}`);
  }
  const data: unknown = parseYaml(text);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new GatehouseError('config_invalid', `config file ${path} must hold a YAML mapping`);
  }
  return data as Record<string, unknown>;
}
