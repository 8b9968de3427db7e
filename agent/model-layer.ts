/**
 * The model side of a daemon or CLI process: providers (with the simulator standing in for
 * those without keys), the router with its tier decision, the orchestrator loop bound to each
 * run (job limits, the soul files as a cacheable prefix, facts recalled under a token cap,
 * the `remember` tool, steps recorded for `runs show`), and every model-backed skill built
 * from config. Opened once per process, before the services, and closed after them.
 */
import type { Config, JobConfig } from '../config/schema.ts';
import { createProposal, type ProposalSource } from '../memory/approvals.ts';
import { relevantFacts } from '../memory/facts.ts';
import { recordStep, type RunRecord } from '../memory/runs.ts';
import { NO_SECRETS, redactValue, type Redactor } from '../contracts/redactor.ts';
import type { SecretRegistry } from '../config/secrets.ts';
import { readSoul, splitMemoryByOrigin } from '../memory/soul.ts';
import { openStore, type Store } from '../memory/store.ts';
import { createBriefingSkill } from '../skills/briefing/skill.ts';
import { briefingDepsFromConfig } from '../skills/briefing/from-config.ts';
import { createCodeEditSkill } from '../skills/code-edit/index.ts';
import { createEmailExtractSkill } from '../skills/email-extract/skill.ts';
import { createMarketSkill } from '../skills/market/index.ts';
import { createResearchSkill } from '../skills/research/research-skill.ts';
import type { ContentSource, Skill, SkillContext } from '../skills/types.ts';
import type { ModelRouter } from '../contracts/router.ts';
import type { Logger } from './logger.ts';
import { createOrchestrator, type GatedProposal } from './orchestrator.ts';
import { setUpProviders, type ProviderSetup } from './provider-setup.ts';
import { createRouter, type Router } from './router/router.ts';
import { createTierDecider, orchestratorTierQuestion } from './router/tier-decider.ts';
import { createRememberTool } from './tools/remember.ts';
import { createAccessTokenSource } from '../skills/google/access-token.ts';
import { createMailRepliesSkill } from '../skills/mail-replies/skill.ts';
import { decideAsOwner } from './owner-decision.ts';

/** Facts recalled into an orchestrator prompt are capped at this many tokens. */
export const RECALL_TOKEN_CAP = 600;

export interface ModelLayer {
  providers: ProviderSetup;
  /** Every model-backed skill, built from config; the registry adds the built-ins. */
  skills: Skill[];
  /**
   * Binds the router and the orchestrator to a database (the services' own connection); what
   * they store (ledger rows, steps) passes through `secrets`.
   */
  bind(db: Store, logger: Logger, secrets?: Redactor): BoundModelLayer;
  close(): Promise<void>;
}

export interface BoundModelLayer {
  router: Router;
  makeOrchestrate(run: RunRecord, job: JobConfig): SkillContext['orchestrate'];
}

/** Starts the simulator when needed; throws `MissingKeyError` when a keyed provider has no key and the simulator is off. */
/** `secrets`: the loaded config's registry; secrets minted later (Google access tokens) are added to it. */
export async function openModelLayer(config: Config, dataDir: string, secrets?: SecretRegistry): Promise<ModelLayer> {
  const providers = await setUpProviders(config);
  return {
    providers,
    skills: buildSkills(config, dataDir, secrets),
    bind: (db, logger, secrets) => bindModelLayer(config, dataDir, providers, db, logger, secrets ?? NO_SECRETS),
    close: () => providers.close(),
  };
}

/** The model-backed skills with their real dependencies from config. */
export function buildSkills(config: Config, dataDir: string, secrets?: SecretRegistry): Skill[] {
  const googleTokens = config.google ? createAccessTokenSource(config.google, { onToken: (token) => secrets?.add(token) }) : undefined;
  return [
    createBriefingSkill(briefingDepsFromConfig(config, dataDir)),
    createEmailExtractSkill({ accounts: config.mail.accounts, googleTokens, owner: config.mail.smtp?.to }),
    createMailRepliesSkill({
      accounts: config.mail.accounts,
      owner: config.mail.smtp?.to,
      googleTokens,
      // The same decision as `switchboard approvals` and the dashboard; a code edit's model calls go through the run's router.
      decide: (request) =>
        decideAsOwner(
          { db: request.db, dataDir, config, timeZone: request.timeZone, openRouter: async () => ({ router: request.router, logger: request.logger, close: () => {} }) },
          request.proposalId,
          request.decision,
          request.by,
        ),
    }),
    createCodeEditSkill({ settings: config.skills['code-edit'] ?? {} }),
    createMarketSkill({ settings: config.skills.market ?? {} }),
    createResearchSkill(),
  ];
}

function bindModelLayer(config: Config, dataDir: string, providers: ProviderSetup, db: Store, logger: Logger, secrets: Redactor): BoundModelLayer {
  let router: Router | undefined;
  const decideTier = createTierDecider(config, { askOrchestrator: orchestratorTierQuestion(() => router!) });
  router = createRouter({ db, config, models: providers.models, providers: providers.registry, decideTier, logger, secrets });
  const boundRouter = router;

  function makeOrchestrate(run: RunRecord, job: JobConfig): SkillContext['orchestrate'] {
    return orchestrateForRun({ config, dataDir, db, router: boundRouter, secrets }, run, job);
  }

  return { router: boundRouter, makeOrchestrate };
}

export interface RunOrchestrationDeps {
  config: Config;
  dataDir: string;
  db: Store;
  router: ModelRouter;
  /** The process's secret registry: recorded steps pass through it. */
  secrets?: Redactor;
}

/**
 * The orchestrator bound to one run, as every job gets it: the soul files as the cacheable prefix
 * (MEMORY.md without the agent's own notes), the owner's facts recalled as trusted text and
 * untrusted memory (facts learnt from untrusted content, the agent's notes) as delimited data,
 * the `remember` tool, the job's grants, and the approvals queue behind the write gate.
 */
export function orchestrateForRun(deps: RunOrchestrationDeps, run: RunRecord, job: JobConfig): SkillContext['orchestrate'] {
  const { config, dataDir, db } = deps;
  return async (options, signal) => {
    // The soul files are read at the start of every orchestrated job, so edits apply at once.
    const soul = readSoul(dataDir);
    const memory = splitMemoryByOrigin(soul.memory);
    const recalled = relevantFacts(db, options.goal, RECALL_TOKEN_CAP);
    const untrustedMemory = [...memory.agentNotes.map((line) => `${line}\n`), recalled.untrustedText].join('');
    const timeZone = soul.settings.timeZone ?? job.timezone ?? config.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const remember = createRememberTool({ db, dataDir, job: run.job, timeZone, now: () => new Date() });
    const orchestrate = createOrchestrator({
      router: deps.router,
      origin: { runId: run.id, job: run.job, skill: run.skill },
      limits: { steps: job.limits.steps, costUsd: job.limits.costUsd, wallTimeMs: job.limits.wallTime },
      soul: { soul: soul.soul, user: soul.user, memory: memory.owner },
      recalled: recalled.ownerText || undefined,
      recalledUntrusted: untrustedMemory || undefined,
      grants: job.grants,
      owner: config.mail.smtp?.to,
      propose: (proposal) => fileProposal(db, run, redactValue(deps.secrets ?? NO_SECRETS, proposal)),
      recordStep: (step) => recordStep(db, run.id, redactValue(deps.secrets ?? NO_SECRETS, step)),
    });
    return orchestrate({ ...options, tools: [...(options.tools ?? []), remember] }, signal);
  };
}

function fileProposal(db: Store, run: RunRecord, proposal: GatedProposal): { id: number } {
  return createProposal(db, {
    kind: proposal.kind,
    payload: proposal.payload,
    summary: proposal.summary,
    reason: proposal.reason,
    job: run.job,
    runId: run.id,
    source: summariseSources(proposal.sources, proposal.labels),
    dedupeKey: proposal.dedupeKey,
  });
}

/** One message, page or feed when the context held exactly one; otherwise every distinct value, joined. */
export function summariseSources(sources: ContentSource[], labels: string[]): ProposalSource {
  const joined = (values: (string | undefined)[]): string | undefined => {
    const distinct = [...new Set(values.filter((value): value is string => Boolean(value)))];
    return distinct.length === 0 ? undefined : distinct.join(', ').slice(0, 500);
  };
  const summary: ProposalSource = {
    kind: joined(sources.map((source) => source.kind)),
    messageId: joined(sources.map((source) => source.messageId)),
    sender: joined(sources.map((source) => source.sender)),
    url: joined(sources.map((source) => source.url)),
    label: joined(labels),
  };
  return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined));
}

/**
 * For one-off CLI commands that call models (`code`, `market`): the model layer bound to its
 * own connection to the data dir's database, closed together.
 */
export async function openCommandModels(context: { config: Config; dataDir: string; databasePath: string; redactor?: SecretRegistry }, logger: Logger) {
  const layer = await openModelLayer(context.config, context.dataDir, context.redactor);
  const db = openStore(context.databasePath);
  const bound = layer.bind(db, logger, context.redactor);
  return {
    router: bound.router,
    logger,
    close: async () => {
      db.close();
      await layer.close();
    },
  };
}
