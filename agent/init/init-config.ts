/**
 * What `switchboard init` writes: a small config that overlays the shipped default, built from
 * the answers as plain data. Secrets never enter it: provider keys stay `${VAR}` references
 * (read from the environment at start-up), mail passwords stay paths to files.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_CONFIG_PATH } from '../../config/load.ts';
import { loadCatalogue } from '../../config/catalogue.ts';

/** The provider keys `init` looks for, by provider name in the shipped default. */
export const PROVIDER_KEYS: Record<string, string> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };

export interface MailboxAnswers {
  imapHost: string;
  imapPort: number;
  imapUser: string;
  imapPasswordFile: string;
  smtpHost: string;
  smtpPort: number;
  smtpUser: string;
  smtpPasswordFile: string;
}

export interface InitAnswers {
  /** Providers whose key variable is set in the environment. */
  providersWithKeys: string[];
  ownerAddress?: string;
  timeZone: string;
  /** HH:MM in `timeZone`. */
  briefingTime: string;
  mailbox?: MailboxAnswers;
  repositories: string[];
}

/** Provider names whose key variable is set (non-empty) in `env`. */
export function detectProviderKeys(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(PROVIDER_KEYS)
    .filter(([, variable]) => (env[variable] ?? '') !== '')
    .map(([provider]) => provider);
}

export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Each check returns the problem with an answer, or undefined when it is acceptable. */
export const check = {
  timeZone(value: string): string | undefined {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return value.includes('/') || value === 'UTC' ? undefined : `"${value}" is not an IANA time zone like Europe/Paris`;
    } catch {
      return `"${value}" is not an IANA time zone like Europe/Paris`;
    }
  },
  time(value: string): string | undefined {
    return /^([01]?\d|2[0-3]):[0-5]\d$/.test(value) ? undefined : `"${value}" is not a time HH:MM (24-hour)`;
  },
  address(value: string): string | undefined {
    return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value) ? undefined : `"${value}" is not an email address`;
  },
  port(value: string): string | undefined {
    const port = Number(value);
    return Number.isInteger(port) && port > 0 && port < 65_536 ? undefined : `"${value}" is not a port number`;
  },
  passwordFile(value: string): string | undefined {
    const path = expandHome(value);
    if (!existsSync(path)) return `${path} does not exist (write the password into it, alone, and chmod 600 it)`;
    try {
      accessSync(path, constants.R_OK);
    } catch {
      return `${path} is not readable`;
    }
    if (statSync(path).isDirectory()) return `${path} is a directory`;
    if (readFileSync(path, 'utf8').trim() === '') return `${path} is empty`;
    return undefined;
  },
  repository(value: string): string | undefined {
    const path = expandHome(value);
    if (!existsSync(path)) return `${path} does not exist`;
    if (!existsSync(join(path, '.git'))) return `${path} is not a git repository (no .git)`;
    return undefined;
  },
};

/** A warning for a password file others can read; undefined when its mode is private. */
export function passwordFileWarning(value: string): string | undefined {
  const mode = statSync(expandHome(value)).mode & 0o077;
  return mode === 0 ? undefined : `${expandHome(value)} is readable by others (mode ${(statSync(expandHome(value)).mode & 0o777).toString(8)}); chmod 600 it`;
}

export function expandHome(path: string): string {
  return resolve(path.startsWith('~/') ? join(homedir(), path.slice(2)) : path);
}

/** `smtp.example.org` for `imap.example.org`; the IMAP host itself when it has no `imap.` prefix. */
export function guessSmtpHost(imapHost: string): string {
  return imapHost.replace(/^imap\./i, 'smtp.');
}

/** The overlay config as YAML text, with a header saying what it is. */
export function renderInitConfig(answers: InitAnswers, now: Date = new Date()): string {
  const overlay: Record<string, unknown> = { timezone: answers.timeZone };
  const defaults = parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as {
    models: Record<string, { provider: string }> | null;
    tiers: Record<string, string[]>;
  };
  // A tier names a model declared in the default or a catalogue id: either way its provider is known.
  const providerOf = new Map<string, string>(loadCatalogue().models.map((entry) => [entry.id, entry.provider]));
  for (const [id, model] of Object.entries(defaults.models ?? {})) providerOf.set(id, model.provider);
  if (answers.providersWithKeys.length > 0) {
    // A key found now is required later: a daemon started without it stops with the variable's
    // name instead of quietly answering from the simulator.
    overlay.providers = Object.fromEntries(answers.providersWithKeys.map((provider) => [provider, { apiKey: `\${${PROVIDER_KEYS[provider]}}` }]));
    const keyed = new Set(answers.providersWithKeys);
    const tiers: Record<string, string[]> = {};
    for (const [tier, chain] of Object.entries(defaults.tiers)) {
      const usable = chain.filter((id) => keyed.has(providerOf.get(id) ?? ''));
      if (usable.length > 0 && usable.length < chain.length) tiers[tier] = usable;
    }
    if (Object.keys(tiers).length > 0) overlay.tiers = tiers;
  }
  const [hour, minute] = answers.briefingTime.split(':').map(Number);
  const jobs: Record<string, unknown> = { 'morning-briefing': { schedule: `${minute} ${hour} * * *` } };
  overlay.jobs = jobs;
  if (answers.mailbox) {
    const mailbox = answers.mailbox;
    // Replies to the briefing (`approve 3 TOKEN`) arrive in this mailbox: read them every 10 minutes.
    jobs['approval-replies'] = { schedule: '*/10 * * * *', skill: 'mail-replies', options: { account: 'personal' } };
    // Dates, action items and amounts from new mail: what the briefing's "needs you" and mail sections read.
    jobs.mail = { schedule: '*/15 * * * *', skill: 'email-extract', overlap: 'skip' };
    const owner = answers.ownerAddress ?? mailbox.imapUser;
    overlay.mail = {
      accounts: { personal: { host: mailbox.imapHost, port: mailbox.imapPort, user: mailbox.imapUser, passwordFile: expandHome(mailbox.imapPasswordFile) } },
      smtp: {
        host: mailbox.smtpHost,
        port: mailbox.smtpPort,
        secure: mailbox.smtpPort === 465,
        user: mailbox.smtpUser,
        passwordFile: expandHome(mailbox.smtpPasswordFile),
        from: mailbox.imapUser.includes('@') ? mailbox.imapUser : owner,
        to: owner,
      },
    };
  }
  if (answers.repositories.length > 0) overlay.skills = { 'code-edit': { allowedRepos: answers.repositories.map(expandHome) } };
  const header = [
    `# Written by \`switchboard init\` on ${now.toISOString().slice(0, 10)}: only what differs from the shipped`,
    `# default (${DEFAULT_CONFIG_PATH}).`,
    '# `switchboard config show` prints the whole effective config and where each value comes from.',
    '# Provider keys are read from the environment at start-up; passwords from the files named here.',
  ];
  if (answers.ownerAddress && !answers.mailbox) header.push(`# Owner: ${answers.ownerAddress} (no mailbox configured: briefings are written to <data-dir>/outbox)`);
  return `${header.join('\n')}\n${stringify(overlay, { lineWidth: 0 })}`;
}
