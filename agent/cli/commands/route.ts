import type { Command } from 'commander';
import { openStore } from '../../../memory/store.ts';
import { setUpProviders } from '../../provider-setup.ts';
import { createRouter, type Router } from '../../router/router.ts';
import { createTierDecider, orchestratorTierQuestion } from '../../router/tier-decider.ts';
import { CliError, EXIT_BAD_INPUT, loadContext, type GlobalOptions } from '../context.ts';

export function registerRouteCommand(program: Command): void {
  program
    .command('route')
    .description('print the routing decision for a task: tier, model chain and why')
    .argument('<task...>', 'the task text')
    .option('--input-tokens <n>', 'input size in tokens (default: estimated from the text)')
    .option('--kind <kind>', 'an explicit step kind (summarise, extract, code, analysis, ...)')
    .option('--job <job>', 'route as this job (its tier overrides apply)')
    .option('--json', 'print one JSON object with tier, model, chain, reason')
    .action(async (words: string[], options: { inputTokens?: string; kind?: string; job?: string; json?: boolean }) => {
      const text = words.join(' ').trim();
      if (text === '') throw new CliError('route: the task text is empty', EXIT_BAD_INPUT);
      let inputTokens: number | undefined;
      if (options.inputTokens !== undefined) {
        inputTokens = Number(options.inputTokens);
        if (!Number.isInteger(inputTokens) || inputTokens < 0) {
          throw new CliError(`--input-tokens: expected a non-negative integer, found "${options.inputTokens}"`, EXIT_BAD_INPUT);
        }
      }
      const context = loadContext(program.opts<GlobalOptions>(), process.env, { secrets: 'deferred' });
      if (options.job && !context.config.jobs[options.job]) throw new CliError(`--job: no job "${options.job}" in ${context.source.path}`, EXIT_BAD_INPUT);
      // Without a provider's key, asking the orchestrator would ask the simulator: decide locally and say so.
      const unsetKeys = context.missingSecrets.filter((secret) => secret.path.startsWith('providers.'));
      if (unsetKeys.length > 0) {
        const names = unsetKeys.map((secret) => secret.variable ?? secret.file).join(', ');
        process.stderr.write(`note: ${names} not set: the orchestrator model is not asked; an unsure decision takes the costlier tier\n`);
      }
      const db = openStore(context.databasePath);
      const setup = await setUpProviders(context.config);
      try {
        let router: Router | undefined;
        const decideTier = createTierDecider(context.config, { askOrchestrator: unsetKeys.length > 0 ? undefined : orchestratorTierQuestion(() => router!) });
        router = createRouter({ db, config: context.config, models: setup.models, providers: setup.registry, decideTier });
        let decision;
        try {
          decision = await router.decide({ text, kind: options.kind, inputTokens }, undefined, { job: options.job });
        } catch (error) {
          if (error instanceof Error && /unknown step kind/.test(error.message)) throw new CliError(`--kind: ${error.message}`, EXIT_BAD_INPUT);
          throw error;
        }
        const model = decision.chain[0] ?? null;
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ tier: decision.tier, model, chain: decision.chain, reason: decision.reason })}\n`);
        } else {
          process.stdout.write(`tier:   ${decision.tier}\nmodel:  ${model ?? '(none available)'}\nchain:  ${decision.chain.join(' → ')}\nreason: ${decision.reason}\n`);
        }
      } finally {
        await setup.close();
        db.close();
      }
    });
}
