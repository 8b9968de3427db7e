/**
 * The demo's configuration: the shipped default (config/default.yaml) with the simulator
 * serving every provider, and one job per shipped skill pointed at the bundled samples.
 * Built as data and validated by the same loader as any config file.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { DEFAULT_CONFIG_PATH, parseConfigText, type LoadedConfig } from '../../config/load.ts';

/** The code edit the demo asks for in its scratch repository (agent/demo/scratch-repo.ts). */
export const SCRATCH_TASK =
  'Make slugify in src/slug.js trim the title, drop accents and punctuation, and collapse runs of separators into one dash, so that `node test.js` passes.';

const HERE = dirname(fileURLToPath(import.meta.url));
export const MARKET_SAMPLES_DIR = join(HERE, 'samples', 'market');
const RESEARCH_SAMPLES_DIR = join(HERE, '..', '..', 'skills', 'research', 'samples');

/** The demo's jobs in the order of its compressed day (a nightly code fix, then the morning). */
export const DEMO_JOB_ORDER = ['code-fix', 'inbox', 'markets', 'research', 'morning-briefing'] as const;

/** A loopback IMAP account to read instead of the built-in mailbox. */
export interface DemoImapAccount {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface DemoConfigOptions {
  /** The demo data dir; the scratch repository lives in it. */
  dataDir: string;
  scratchRepo: string;
  timeZone: string;
  imap?: DemoImapAccount;
}

/** The validated demo config. Reads no environment: no real key can reach the demo. */
export function buildDemoConfig(options: DemoConfigOptions): LoadedConfig {
  const raw = parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
  const defaultJobs = (raw.jobs ?? {}) as Record<string, Record<string, unknown>>;
  const demo = {
    ...raw,
    timezone: options.timeZone,
    log: { level: 'warn' },
    simulator: { mode: 'always', port: 0 },
    jobs: {
      'code-fix': {
        schedule: '0 2 * * *',
        skill: 'code-edit',
        options: { repo: options.scratchRepo, task: SCRATCH_TASK, testCommand: [process.execPath, 'test.js'], testTimeout: '30s' },
      },
      inbox: { schedule: '30 6 * * *', skill: 'email-extract' },
      markets: { schedule: '40 6 * * 1-5', skill: 'market' },
      research: {
        schedule: '50 6 * * *',
        skill: 'research',
        options: {
          feeds: ['rss.xml', 'atom.xml'].map((file) => pathToFileURL(join(RESEARCH_SAMPLES_DIR, file)).href),
          pages: [pathToFileURL(join(RESEARCH_SAMPLES_DIR, 'injection.html')).href],
          writeUp: 'solar',
        },
      },
      'morning-briefing': { ...defaultJobs['morning-briefing'], schedule: '0 7 * * *', skill: 'briefing' },
    },
    skills: {
      'code-edit': { allowedRepos: [options.dataDir] },
      market: {
        watchlist: [
          { symbol: 'SYNTH-TECH', name: 'Synthetic tech equity (sample data)' },
          { symbol: 'SYNTH-BOND', name: 'Synthetic bond fund (sample data)' },
          { symbol: 'SYNTH-GOLD', name: 'Synthetic gold tracker (sample data)' },
        ],
        source: { type: 'csv-file', path: join(MARKET_SAMPLES_DIR, '{symbol}.csv') },
        notes: 'These are synthetic sample prices shipped with the demo, not real market data.',
      },
    },
    mail: {
      accounts: {
        demo: options.imap
          ? { host: options.imap.host, port: options.imap.port, secure: false, allowInsecure: true, user: options.imap.user, password: '${SWITCHBOARD_DEMO_IMAP_PASSWORD}' }
          : { host: 'sample-mailbox.invalid', port: 993, user: 'alex@example.com' },
      },
    },
  };
  const env = options.imap ? { SWITCHBOARD_DEMO_IMAP_PASSWORD: options.imap.password } : {};
  return parseConfigText(JSON.stringify(demo), { path: DEFAULT_CONFIG_PATH, origin: 'default' }, env);
}
