/**
 * The configuration schema: one YAML file, validated once at load. Every other module
 * receives the parsed `Config` (or a part of it) and never reads the file itself.
 */
import { z } from 'zod';
import { ENDPOINT_PROFILES, TIERS } from '../contracts/types.ts';

// Zod compiles a schema into generated code at its first parse: it pays back over many parses of
// the same schema, but a config or catalogue is parsed once per process, and compiling cost a
// CLI command about 10 ms of its start (BENCHMARKS.md, bill). No schema is parsed in a hot loop.
z.config({ jitless: true });

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "90s", "10m", "2h", "1d", "250ms" into milliseconds; a bare number is milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = DURATION.exec(value.trim());
  if (!match) throw new Error(`not a duration: ${JSON.stringify(value)} (expected e.g. "30s", "10m", "2h")`);
  return Number(match[1]) * DURATION_UNIT_MS[match[2]];
}

const duration = z
  .union([z.number().int().nonnegative(), z.string().regex(DURATION, 'a duration like "30s", "10m", "2h" or "1d"')])
  .transform((value) => parseDuration(value));

const usd = z.number().nonnegative();
const tierName = z.enum(TIERS);
const identifier = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, ".", "_" or "-"');

const priceSchema = z.strictObject({
  input: usd.describe('USD per 1M uncached input tokens'),
  cachedInput: usd.optional().describe('USD per 1M cached input tokens (default: input)'),
  cacheWrite: usd.optional().describe('USD per 1M tokens written to the prompt cache (default: input)'),
  output: usd.describe('USD per 1M output tokens (reasoning tokens included)'),
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').default('2000-01-01'),
  longContext: z
    .strictObject({ aboveInputTokens: z.number().int().positive(), inputMultiplier: z.number().min(1), outputMultiplier: z.number().min(1) })
    .optional()
    .describe('Surcharge on a whole request whose input exceeds aboveInputTokens'),
});

const providerSchema = z.strictObject({
  api: z.enum(['openai', 'anthropic']).describe('Wire API: openai also serves every OpenAI-compatible endpoint'),
  baseURL: z.url().optional(),
  profile: z
    .enum(ENDPOINT_PROFILES)
    .optional()
    .describe('For api openai: the server behind baseURL (openrouter, ollama, gemini; default openai without baseURL, else compatible)'),
  apiKey: z.string().optional().describe('Use ${ENV_VAR} interpolation; never write the key itself here'),
  apiKeyFile: z.string().optional().describe('A file holding the key (mode 0600)'),
  timeout: duration.default(120_000),
  keyless: z.boolean().default(false).describe('The endpoint needs no key (Ollama, vLLM on loopback)'),
});

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

const capabilitiesSchema = z
  .strictObject({
    reasoning: z.boolean().optional(),
    samplingParameters: z.boolean().optional().describe('Accepts temperature/top_p'),
    tokenLimitParameter: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
    systemRole: z.enum(['system', 'developer']).optional(),
    structuredOutput: z.enum(['strict', 'tool', 'json_mode']).optional(),
    toolCalling: z.boolean().optional(),
    promptCaching: z.boolean().optional(),
    thinking: z.enum(['none', 'optional', 'always']).optional(),
    reasoningEfforts: z.array(z.string().min(1)).min(1).optional(),
  })
  .describe('What the API accepts; a catalogue model inherits it, any other model declares it (omitted keys: a plain chat model)');

const lifecycleSchema = z.strictObject({
  released: isoDate.optional(),
  deprecated: isoDate.optional(),
  retires: isoDate.optional().describe('From this day the API answers 404'),
  replacement: z.string().optional(),
});

const modelSchema = z.strictObject({
  provider: identifier.optional().describe('Provider name under providers (default: the catalogue model\'s provider)'),
  model: z.string().optional().describe('Name sent to the API (default: the model id)'),
  catalogue: z.string().optional().describe('Catalogue id to inherit from (default: the API name), e.g. for a proxy that renames models'),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  prices: z.array(priceSchema).min(1).optional().describe('Price history; the row effective on the call date applies'),
  capabilities: capabilitiesSchema.optional(),
  lifecycle: lifecycleSchema.optional(),
  reasoningEffort: z.string().min(1).optional().describe('Reasoning effort sent with each request, where the model accepts one'),
});

const capsSchema = z.strictObject({
  total: usd.optional(),
  tiers: z.partialRecord(tierName, usd).default({}),
  jobs: z.record(z.string(), usd).default({}),
});

const budgetSchema = z.strictObject({
  daily: capsSchema.default({ tiers: {}, jobs: {} }),
  monthly: capsSchema.default({ tiers: {}, jobs: {} }),
  onCap: z.enum(['downgrade', 'defer']).default('downgrade'),
});

const jobLimitsSchema = z.strictObject({
  steps: z.number().int().positive().default(12),
  costUsd: usd.default(1),
  wallTime: duration.default(600_000),
});

const grantsSchema = z.strictObject({
  tools: z
    .array(z.string().regex(/^[a-z0-9_-]+$/i, 'a tool name (letters, digits, "_" or "-")'))
    .default([])
    .describe('Tools the job\'s model may be offered (e.g. remember). From a context holding untrusted content a write still only becomes a proposal'),
  repositories: z
    .array(z.string().min(1))
    .default([])
    .describe('Repositories (paths) the job may propose or make code edits in; also bounded by skills.code-edit.allowedRepos'),
  commands: z
    .array(z.array(z.string()).min(1))
    .default([])
    .describe('Commands (argv, matched exactly) a tool of this job may run'),
  recipients: z
    .array(z.string().min(3))
    .default([])
    .describe('Addresses besides the owner (mail.smtp.to) a tool of this job may mail'),
});

const jobSchema = z.strictObject({
  schedule: z.string().describe('Cron expression (5 or 6 fields)'),
  timezone: z.string().optional().describe('IANA time zone; default the host time zone'),
  skill: identifier,
  enabled: z.boolean().default(true),
  options: z.record(z.string(), z.unknown()).default({}),
  overlap: z.enum(['skip', 'queue']).default('skip'),
  timeout: duration.default(600_000),
  catchUp: z
    .union([z.literal('skip'), z.strictObject({ within: duration })])
    .default('skip')
    .describe('Missed slots while down: run the latest one once if within the window, or record them as missed'),
  retryInterrupted: z.boolean().default(false).describe('Retry a run interrupted by a dead process, if its skill is safe to retry'),
  retryWithin: duration
    .default(3_600_000)
    .describe('An interrupted run older than this (from its slot) is reported, never retried'),
  callDeadline: duration
    .default(180_000)
    .describe('Wall-clock budget for all model calls of one run, retries and fallbacks included'),
  retryFailed: z
    .strictObject({
      attempts: z.number().int().min(0).max(10).default(0),
      delay: duration.default(300_000),
    })
    .default({ attempts: 0, delay: 300_000 })
    .describe('Retry a failed or timed-out scheduled run on the same slot key (a sent briefing is never resent)'),
  tiers: z.partialRecord(tierName, z.array(identifier).min(1)).default({}).describe('Per-job model chains'),
  underRoutingCost: z
    .enum(['normal', 'high'])
    .default('normal')
    .describe("When the router is unsure of a free-text task's tier: 'normal' takes its best guess, 'high' the costlier of its two best"),
  budget: z.strictObject({ daily: usd.optional(), monthly: usd.optional() }).default({}),
  limits: jobLimitsSchema.default({ steps: 12, costUsd: 1, wallTime: 600_000 }),
  grants: grantsSchema
    .default({ tools: [], repositories: [], commands: [], recipients: [] })
    .describe('What the job\'s model may cause, deny by default: tools, repositories, commands, mail recipients'),
});

const imapSchema = z.strictObject({
  host: z.string(),
  port: z.number().int().positive().default(993),
  secure: z.boolean().default(true).describe('TLS from the start (993); false uses STARTTLS when offered'),
  user: z.string(),
  password: z.string().optional(),
  passwordFile: z.string().optional(),
  accessToken: z.string().optional().describe('XOAUTH2 access token (Gmail); it expires within the hour: prefer oauth2'),
  oauth2: z
    .enum(['google'])
    .optional()
    .describe('XOAUTH2 with access tokens minted from the google: refresh token and refreshed before they expire (Gmail)'),
  mailboxes: z.array(z.string()).min(1).default(['INBOX']),
  allowInsecure: z.boolean().default(false).describe('Allow plaintext IMAP (loopback testing only)'),
});

const smtpSchema = z.strictObject({
  host: z.string(),
  port: z.number().int().positive().default(587),
  secure: z.boolean().default(false),
  user: z.string().optional(),
  password: z.string().optional(),
  passwordFile: z.string().optional(),
  from: z.string(),
  to: z.string(),
  ignoreTLS: z.boolean().default(false),
});

export const configSchema = z.strictObject({
  version: z.literal(1).default(1),
  timezone: z.string().optional().describe('Default IANA time zone for jobs (default: the host)'),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info') }).default({
    level: 'info',
  }),
  simulator: z
    .strictObject({
      mode: z.enum(['auto', 'always', 'never']).default('auto').describe('auto: simulate providers that have no key'),
      port: z.number().int().nonnegative().default(0),
    })
    .default({ mode: 'auto', port: 0 }),
  providers: z.record(identifier, providerSchema),
  models: z.record(z.string(), modelSchema).default({}).describe('Models by id; a catalogue id needs no entry unless it overrides something'),
  tiers: z.strictObject({
    orchestration: z.array(z.string()).min(1),
    execution: z.array(z.string()).min(1),
    reasoning: z.array(z.string()).min(1),
    'large-context': z.array(z.string()).min(1),
  }),
  flagship: z.string().describe('Catalogue model whose prices give the counterfactual bill'),
  routing: z
    .strictObject({
      largeContextThreshold: z.number().int().positive().default(65_536),
      confidenceThreshold: z.number().min(0).max(1).default(0.6),
      askOrchestrator: z.boolean().default(true),
      kinds: z.record(z.string(), tierName).default({}),
      defaultMaxOutputTokens: z
        .number()
        .int()
        .positive()
        .default(4_096)
        .describe('Output cap for a call that sets none (clamped to the model); budgets reserve against it'),
    })
    .default({ largeContextThreshold: 65_536, confidenceThreshold: 0.6, askOrchestrator: true, kinds: {}, defaultMaxOutputTokens: 4_096 }),
  retry: z
    .strictObject({
      maxWait: duration.default(5_000).describe('Wait for retry-after up to this long before falling back'),
      baseDelay: duration.default(250),
    })
    .default({ maxWait: 5_000, baseDelay: 250 }),
  breaker: z
    .strictObject({ failureThreshold: z.number().int().positive().default(3), cooldown: duration.default(60_000) })
    .default({ failureThreshold: 3, cooldown: 60_000 }),
  budgets: budgetSchema.default({
    daily: { tiers: {}, jobs: {} },
    monthly: { tiers: {}, jobs: {} },
    onCap: 'downgrade',
  }),
  daemon: z
    .strictObject({ concurrency: z.number().int().positive().default(2), shutdownGrace: duration.default(30_000) })
    .default({ concurrency: 2, shutdownGrace: 30_000 }),
  jobs: z.record(identifier, jobSchema).default({}),
  skills: z.record(identifier, z.record(z.string(), z.unknown())).default({}),
  mail: z
    .strictObject({
      accounts: z.record(identifier, imapSchema).default({}),
      smtp: smtpSchema.optional(),
    })
    .default({ accounts: {} }),
  dashboard: z
    .strictObject({
      enabled: z.boolean().default(true).describe('The daemon serves the dashboard on 127.0.0.1 (`switchboard start --no-dashboard` turns it off once)'),
      port: z.number().int().min(0).max(65_535).default(8765).describe('Loopback port of the dashboard; `switchboard dashboard` prints its address'),
    })
    .default({ enabled: true, port: 8765 }),
  notify: z
    .strictObject({
      ntfy: z
        .strictObject({
          url: z.url({ protocol: /^https?$/ }).describe('The ntfy server, e.g. https://ntfy.sh or your own'),
          topic: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a topic name: 1-64 letters, digits, "_" or "-"'),
          tokenEnv: z
            .string()
            .regex(/^[A-Z_][A-Z0-9_]*$/, 'the NAME of an environment variable (e.g. NTFY_TOKEN), never the token itself')
            .optional()
            .describe('Environment variable holding an ntfy access token (sent as a Bearer token); never written here'),
          priority: z
            .union([z.enum(['min', 'low', 'default', 'high', 'urgent']), z.number().int().min(1).max(5)])
            .default('high')
            .describe('ntfy priority: min, low, default, high, urgent or 1-5'),
          timeout: duration.default(10_000).describe('Per push; a push that fails or times out is logged, never fails a run'),
          events: z
            .array(z.enum(['approval', 'run-failed', 'dead-model', 'budget-cap']))
            .min(1)
            .default(['approval', 'run-failed', 'dead-model', 'budget-cap'])
            .describe('Which urgent items are pushed'),
        })
        .optional()
        .describe('Push urgent items to an ntfy topic (off unless set)'),
    })
    .default({}),
  google: z
    .strictObject({
      clientId: z.string(),
      clientSecret: z.string(),
      refreshToken: z.string(),
      rootUrl: z.url().optional().describe('Override for tests or proxies'),
      calendars: z.array(z.string()).default(['primary']),
    })
    .optional(),
});

export type Config = z.output<typeof configSchema>;
export type JobConfig = Config['jobs'][string];
export type Grants = JobConfig['grants'];
export type ProviderConfig = Config['providers'][string];
export type ModelConfig = Config['models'][string];
export type ImapAccountConfig = Config['mail']['accounts'][string];
export type SmtpConfig = NonNullable<Config['mail']['smtp']>;
export type NtfyConfig = NonNullable<Config['notify']['ntfy']>;
