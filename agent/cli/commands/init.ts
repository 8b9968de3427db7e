/**
 * `switchboard init`: guided setup. It detects what it can (provider keys in the environment,
 * the host's time zone), asks only the rest (owner address, time zone, briefing time, mailbox,
 * repositories), writes a small config that overlays the shipped default, runs `doctor` and
 * ends with the next command. `--non-interactive` takes every answer from flags, for scripts.
 */
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline/promises';
import { parseConfigText } from '../../../config/load.ts';
import {
  check,
  detectProviderKeys,
  guessSmtpHost,
  hostTimeZone,
  passwordFileWarning,
  PROVIDER_KEYS,
  renderInitConfig,
  type InitAnswers,
  type MailboxAnswers,
} from '../../init/init-config.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, resolveDataDir, type GlobalOptions } from '../context.ts';

interface InitOptions {
  nonInteractive?: boolean;
  force?: boolean;
  doctor?: boolean;
  owner?: string;
  timezone?: string;
  briefingTime?: string;
  imapHost?: string;
  imapPort?: string;
  imapUser?: string;
  imapPasswordFile?: string;
  smtpHost?: string;
  smtpPort?: string;
  smtpUser?: string;
  smtpPasswordFile?: string;
  repo?: string[];
}

/** Where init writes: `--config`, then `$SWITCHBOARD_CONFIG`, then `~/.config/switchboard/config.yaml`. */
export function initTarget(global: GlobalOptions, env: NodeJS.ProcessEnv): string {
  if (global.config) return resolve(global.config);
  if (env.SWITCHBOARD_CONFIG) return resolve(env.SWITCHBOARD_CONFIG);
  return join(env.HOME ?? homedir(), '.config', 'switchboard', 'config.yaml');
}

/** One question: the answer, the default when blank; asked again until `validate` accepts it. */
async function ask(prompt: Interface, question: string, fallback: string | undefined, validate?: (value: string) => string | undefined): Promise<string> {
  for (;;) {
    const answer = (await prompt.question(`${question}${fallback ? ` [${fallback}]` : ''}: `)).trim() || fallback || '';
    const problem = answer === '' ? undefined : validate?.(answer);
    if (!problem) return answer;
    process.stdout.write(`  ${problem}\n`);
  }
}

async function askInteractively(options: InitOptions, detected: { keys: string[]; timeZone: string }): Promise<InitAnswers> {
  // The terminal's own line editing (canonical mode) serves: no cursor codes in the prompts.
  const prompt = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
  try {
    const owner = await ask(prompt, 'Your email address (briefings go there; replies from it can approve proposals)', options.owner, check.address);
    const timeZone = await ask(prompt, 'Time zone', options.timezone ?? detected.timeZone, check.timeZone);
    const briefingTime = await ask(prompt, `Briefing time, HH:MM in ${timeZone}`, options.briefingTime ?? '07:00', check.time);
    let mailbox: MailboxAnswers | undefined;
    const imapHost = await ask(prompt, 'IMAP host of your mailbox (blank: no mail; briefings go to <data-dir>/outbox)', options.imapHost);
    if (imapHost) {
      const imapPort = Number(await ask(prompt, 'IMAP port', options.imapPort ?? '993', check.port));
      const imapUser = await ask(prompt, 'IMAP user', options.imapUser ?? owner, (value) => (value ? undefined : 'a user is needed'));
      const imapPasswordFile = await askRequired(prompt, 'File holding the IMAP password (or app password)', options.imapPasswordFile, check.passwordFile);
      const smtpHost = await ask(prompt, 'SMTP host', options.smtpHost ?? guessSmtpHost(imapHost));
      const smtpPort = Number(await ask(prompt, 'SMTP port', options.smtpPort ?? '587', check.port));
      const smtpUser = await ask(prompt, 'SMTP user', options.smtpUser ?? imapUser);
      const smtpPasswordFile = await askRequired(prompt, 'File holding the SMTP password', options.smtpPasswordFile ?? imapPasswordFile, check.passwordFile);
      mailbox = { imapHost, imapPort, imapUser, imapPasswordFile, smtpHost, smtpPort, smtpUser, smtpPasswordFile };
    }
    const repoAnswer = await ask(prompt, 'Git repositories the agent may edit, comma-separated (blank: none)', options.repo?.join(','), (value) =>
      splitList(value).map(check.repository).find(Boolean),
    );
    return { providersWithKeys: detected.keys, ownerAddress: owner || undefined, timeZone, briefingTime, mailbox, repositories: splitList(repoAnswer) };
  } finally {
    prompt.close();
  }
}

async function askRequired(prompt: Interface, question: string, fallback: string | undefined, validate: (value: string) => string | undefined): Promise<string> {
  for (;;) {
    const answer = await ask(prompt, question, fallback, validate);
    if (answer) return answer;
    process.stdout.write('  an answer is needed here\n');
  }
}

function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

/** Answers from flags alone; throws `CliError` (exit 2) naming the flag of the first bad one. */
export function answersFromFlags(options: InitOptions, detected: { keys: string[]; timeZone: string }): InitAnswers {
  const fail = (flag: string, problem: string | undefined) => {
    if (problem) throw new CliError(`init ${flag}: ${problem}`, EXIT_BAD_INPUT);
  };
  if (options.owner) fail('--owner', check.address(options.owner));
  const timeZone = options.timezone ?? detected.timeZone;
  fail('--timezone', check.timeZone(timeZone));
  const briefingTime = options.briefingTime ?? '07:00';
  fail('--briefing-time', check.time(briefingTime));
  let mailbox: MailboxAnswers | undefined;
  if (options.imapHost) {
    const imapUser = options.imapUser ?? options.owner;
    if (!imapUser) throw new CliError('init --imap-host: give --imap-user (or --owner)', EXIT_BAD_INPUT);
    if (!options.imapPasswordFile) throw new CliError('init --imap-host: give --imap-password-file', EXIT_BAD_INPUT);
    fail('--imap-password-file', check.passwordFile(options.imapPasswordFile));
    const smtpPasswordFile = options.smtpPasswordFile ?? options.imapPasswordFile;
    fail('--smtp-password-file', check.passwordFile(smtpPasswordFile));
    for (const [flag, value] of [['--imap-port', options.imapPort], ['--smtp-port', options.smtpPort]] as const) if (value) fail(flag, check.port(value));
    mailbox = {
      imapHost: options.imapHost,
      imapPort: Number(options.imapPort ?? 993),
      imapUser,
      imapPasswordFile: options.imapPasswordFile,
      smtpHost: options.smtpHost ?? guessSmtpHost(options.imapHost),
      smtpPort: Number(options.smtpPort ?? 587),
      smtpUser: options.smtpUser ?? imapUser,
      smtpPasswordFile,
    };
  }
  const repositories = options.repo ?? [];
  for (const repo of repositories) fail('--repo', check.repository(repo));
  return { providersWithKeys: detected.keys, ownerAddress: options.owner, timeZone, briefingTime, mailbox, repositories };
}

export interface InitServices {
  /** Runs `switchboard doctor` on the written config; resolves to its exit status. */
  runDoctor(configPath: string, global: GlobalOptions): number;
}

/** `doctor` as a child of this same program, so init checks exactly what `switchboard doctor` checks. */
export const doctorInChildProcess: InitServices['runDoctor'] = (configPath, global) => {
  const args = [...process.execArgv, process.argv[1], '--config', configPath];
  if (global.dataDir) args.push('--data-dir', global.dataDir);
  return spawnSync(process.execPath, [...args, 'doctor'], { stdio: 'inherit' }).status ?? EXIT_FAILURE;
};

export function registerInitCommand(program: Command, services: InitServices = { runDoctor: doctorInChildProcess }): void {
  program
    .command('init')
    .description('guided setup: keys (detected), owner, time zone, briefing time, mailbox, repositories; writes a small config, runs doctor')
    .option('--non-interactive', 'take every answer from the flags below (for scripts)')
    .option('--force', 'overwrite an existing config file')
    .option('--no-doctor', 'do not run `switchboard doctor` afterwards')
    .option('--owner <address>', "the owner's email address (briefings go there)")
    .option('--timezone <zone>', 'IANA time zone (default: the host)')
    .option('--briefing-time <HH:MM>', 'when the morning briefing is sent (default 07:00)')
    .option('--imap-host <host>', 'IMAP host (omit: no mail)')
    .option('--imap-port <port>', 'IMAP port (default 993, TLS)')
    .option('--imap-user <user>', 'IMAP user (default: --owner)')
    .option('--imap-password-file <file>', 'file holding the IMAP password')
    .option('--smtp-host <host>', 'SMTP host (default: the IMAP host with smtp. for imap.)')
    .option('--smtp-port <port>', 'SMTP port (default 587, STARTTLS; 465 is TLS)')
    .option('--smtp-user <user>', 'SMTP user (default: the IMAP user)')
    .option('--smtp-password-file <file>', 'file holding the SMTP password (default: the IMAP one)')
    .option('--repo <path>', 'a git repository the agent may edit (repeat for more)', (value: string, previous: string[] = []) => [...previous, value])
    .action(async (options: InitOptions) => {
      const global = program.opts<GlobalOptions>();
      if (global.demo) throw new CliError('init sets up your own data; drop --demo', EXIT_BAD_INPUT);
      const target = initTarget(global, process.env);
      if (existsSync(target) && !options.force) {
        throw new CliError(`init: ${target} exists; edit it, or run init again with --force to replace it`, EXIT_BAD_INPUT);
      }
      if (!options.nonInteractive && !process.stdin.isTTY) {
        throw new CliError('init: standard input is not a terminal; answer with flags and --non-interactive (see switchboard init --help)', EXIT_BAD_INPUT);
      }
      const detected = { keys: detectProviderKeys(process.env), timeZone: hostTimeZone() };
      const missing = Object.entries(PROVIDER_KEYS).filter(([provider]) => !detected.keys.includes(provider));
      process.stdout.write(
        [
          'Switchboard setup. Detected:',
          `  provider keys in the environment: ${detected.keys.map((provider) => PROVIDER_KEYS[provider]).join(', ') || 'none'}` +
            (missing.length > 0 ? ` (not set: ${missing.map(([, variable]) => variable).join(', ')})` : ''),
          detected.keys.length === 0
            ? '  with no key, every model answer comes from the built-in simulator and is labelled simulated'
            : '  keys stay in the environment; the config only names the variables',
          `  time zone: ${detected.timeZone}`,
          '',
        ].join('\n'),
      );
      const answers = options.nonInteractive ? answersFromFlags(options, detected) : await askInteractively(options, detected);
      const text = renderInitConfig(answers);
      // Validated exactly as `start` will read it, before anything is written.
      parseConfigText(text, { path: target, origin: '--config' }, process.env, { secrets: 'deferred' });
      mkdirSync(dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, text, { mode: 0o644 });
      renameSync(temporary, target);
      process.stdout.write(`\nWrote ${target}:\n${text.replace(/^/gm, '  ')}\n`);
      for (const file of [answers.mailbox?.imapPasswordFile, answers.mailbox?.smtpPasswordFile]) {
        const warning = file ? passwordFileWarning(file) : undefined;
        if (warning) process.stdout.write(`warning: ${warning}\n`);
      }
      let doctorStatus = 0;
      if (options.doctor !== false) {
        process.stdout.write('Running switchboard doctor:\n');
        doctorStatus = services.runDoctor(target, global);
      }
      const configFlag = global.config || process.env.SWITCHBOARD_CONFIG ? ` --config ${target}` : '';
      const dataFlag = global.dataDir ? ` --data-dir ${resolveDataDir(global, process.env)}` : '';
      const next = `switchboard${configFlag}${dataFlag} run morning-briefing`;
      const where = answers.mailbox ? `to ${answers.ownerAddress ?? answers.mailbox.imapUser}` : `into ${join(resolveDataDir(global, process.env), 'outbox')}`;
      process.stdout.write(
        doctorStatus === 0
          ? `\nNext: ${next}\n  sends your first briefing now (${where}); then \`switchboard${configFlag}${dataFlag} start\` (or \`service install --user\`) for every day at ${answers.briefingTime} ${answers.timeZone}.\n`
          : `\ndoctor reported problems (above). Fix them, run \`switchboard${configFlag}${dataFlag} doctor\` again, then: ${next}\n`,
      );
      if (doctorStatus !== 0) process.exitCode = EXIT_FAILURE;
    });
}
