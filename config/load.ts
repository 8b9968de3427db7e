/**
 * Finding, reading, interpolating and validating the config file. Every failure becomes a
 * `ConfigError` whose lines name the file, the key path, what was expected and what was
 * found; the CLI prints them and exits with status 2.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import cron from 'node-cron';
import { configSchema, type Config } from './schema.ts';
import { createSecretRegistry, type SecretRegistry } from './secrets.ts';
import { editDistance, isoDay, loadCatalogue, type Catalogue } from './catalogue.ts';
import { resolveModelConfigs } from './resolve-models.ts';
import { overlayConfig, type Origins } from './overlay.ts';
import { ConfigError, type ConfigIssue } from './config-error.ts';

export const DEFAULT_CONFIG_PATH = join(dirname(fileURLToPath(import.meta.url)), 'default.yaml');

export { ConfigError, type ConfigIssue } from './config-error.ts';

export interface ConfigSource {
  path: string;
  /** How the path was chosen, for `doctor` and the start-up log. */
  origin: '--config' | 'SWITCHBOARD_CONFIG' | 'user' | 'default';
}

/** The lookup order: `--config`, `SWITCHBOARD_CONFIG`, `~/.config/switchboard/config.yaml`, the shipped default. */
export function findConfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): ConfigSource {
  if (flag) return { path: resolve(flag), origin: '--config' };
  if (env.SWITCHBOARD_CONFIG) return { path: resolve(env.SWITCHBOARD_CONFIG), origin: 'SWITCHBOARD_CONFIG' };
  const userPath = join(env.HOME ?? homedir(), '.config', 'switchboard', 'config.yaml');
  if (existsSync(userPath)) return { path: userPath, origin: 'user' };
  return { path: DEFAULT_CONFIG_PATH, origin: 'default' };
}

export interface LoadedConfig {
  config: Config;
  source: ConfigSource;
  /** Every secret value resolved from the environment or a file. */
  secrets: string[];
  /**
   * The redactor that knows those values (and any secret resolved later: `add` it there).
   * Everything stored or shown passes through it.
   */
  redactor: SecretRegistry;
  /** Problems that do not stop Switchboard (a configured model retiring within 30 days). */
  warnings: ConfigIssue[];
  /** Leaf key path → the file its value came from (the shipped default or the user's file). */
  origins: Origins;
  /** Secrets left unresolved under `secrets: 'deferred'`; always empty under `'required'`. */
  missingSecrets: MissingSecret[];
}

/** A secret the config refers to that could not be resolved: an unset variable or an unreadable file. */
export interface MissingSecret {
  /** Dotted key path, e.g. `providers.openai.apiKey`. */
  path: string;
  /** The environment variable named in `${VAR}`, or the file named by `*File`. */
  variable?: string;
  file?: string;
}

export interface LoadOptions {
  /** The day lifecycle is judged on (default: now). */
  now?: Date;
  /** The model catalogue (default: the shipped config/catalogue.yaml). */
  catalogue?: Catalogue;
  /**
   * `required` (the default): a secret that cannot be resolved is a config error. `deferred`:
   * it is recorded in `missingSecrets` and left empty, for commands that never use a secret;
   * `requireSecrets` turns them into the error later, where one is needed.
   */
  secrets?: 'required' | 'deferred';
}

/** Reads and validates a config file. Throws `ConfigError` on any problem, never anything else. */
export function loadConfig(source: ConfigSource, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): LoadedConfig {
  let text: string;
  try {
    if (!existsSync(source.path)) throw new Error('no such file');
    if (statSync(source.path).isDirectory()) throw new Error('is a directory, expected a YAML file');
    text = readFileSync(source.path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(source.path, [{ path: '', message: `cannot read (${reason}); chosen by ${source.origin}` }]);
  }
  return parseConfigText(text, source, env, options);
}

/**
 * Validates config text as if read from `source`, overlaid on the shipped default (unless it is
 * the default itself): a file naming only what differs from the default is a whole config.
 */
export function parseConfigText(
  text: string,
  source: ConfigSource,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): LoadedConfig {
  const secrets: string[] = [];
  const missing: MissingSecret[] = [];
  const user = readTree(text, source.path, env, secrets, missing);
  if (user === null || user === undefined) {
    throw new ConfigError(source.path, [{ path: '', message: 'the file is empty; expected a mapping of settings' }]);
  }
  if (typeof user !== 'object' || Array.isArray(user)) {
    throw new ConfigError(source.path, [{ path: '', message: `expected a mapping of settings, found ${describeValue(user)}` }]);
  }
  let raw: Record<string, unknown> = user as Record<string, unknown>;
  let origins: Origins = {};
  const isDefault = resolve(source.path) === DEFAULT_CONFIG_PATH;
  if (isDefault) {
    origins = overlayConfig({}, DEFAULT_CONFIG_PATH, raw, source.path).origins;
  } else {
    const defaults = readTree(readFileSync(DEFAULT_CONFIG_PATH, 'utf8'), DEFAULT_CONFIG_PATH, env, secrets, []) as Record<string, unknown>;
    ({ value: raw, origins } = overlayConfig(defaults, DEFAULT_CONFIG_PATH, raw, source.path));
  }
  const secretIssues = (options.secrets ?? 'required') === 'required' ? missing.map(describeMissingSecret) : [];

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(source.path, [...secretIssues, ...parsed.error.issues.map((issue) => describeIssue(issue, raw))]);
  }
  if (secretIssues.length > 0) throw new ConfigError(source.path, secretIssues);
  const resolution = resolveModelConfigs(parsed.data, {
    catalogue: options.catalogue ?? loadCatalogue(),
    today: isoDay(options.now ?? new Date()),
  });
  const config: Config = { ...parsed.data, models: resolution.models };
  if (!isDefault) dropUnusedDefaultProviders(config, user as Record<string, unknown>, origins);
  const crossIssues = [...resolution.issues, ...checkReferences(config, new Set(Object.keys(parsed.data.models)))];
  if (crossIssues.length > 0) throw new ConfigError(source.path, crossIssues);
  const unique = [...new Set(secrets)];
  return { config, source, secrets: unique, redactor: createSecretRegistry(unique), warnings: resolution.warnings, origins, missingSecrets: options.secrets === 'deferred' ? missing : [] };
}

/**
 * The default's providers that no chain calls are dropped: a user who brings their own providers
 * and models does not inherit keyless defaults (which would start the simulator or ask for a key).
 */
function dropUnusedDefaultProviders(config: Config, user: Record<string, unknown>, origins: Origins): void {
  const userProviders = typeof user.providers === 'object' && user.providers !== null ? Object.keys(user.providers) : [];
  const userModels = typeof user.models === 'object' && user.models !== null ? Object.keys(user.models) : [];
  // A provider is in use when a model some chain can call runs on it, or the user declared it or
  // one of its models. The flagship alone does not count: it only prices the counterfactual.
  const chains = [...Object.values(config.tiers), ...Object.values(config.jobs).flatMap((job) => Object.values(job.tiers ?? {}))];
  const called = new Set([...chains.flat(), ...userModels]);
  const used = new Set([...called].map((id) => config.models[id]?.provider).filter((name) => name !== undefined));
  for (const name of Object.keys(config.providers)) {
    if (userProviders.includes(name) || used.has(name)) continue;
    delete config.providers[name];
    for (const key of Object.keys(origins)) if (key.startsWith(`providers.${name}.`)) delete origins[key];
  }
}

/** Parses YAML text and interpolates it; throws `ConfigError` on syntax errors and bad placeholders. */
function readTree(text: string, file: string, env: NodeJS.ProcessEnv, secrets: string[], missing: MissingSecret[]): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((error) => ({ path: '', message: `YAML syntax: ${error.message.split('\n')[0]}` })),
    );
  }
  const issues: ConfigIssue[] = [];
  const tree = interpolate(document.contents, [], env, secrets, issues, dirname(file), missing);
  if (issues.length > 0) throw new ConfigError(file, issues);
  return tree;
}

function describeMissingSecret(secret: MissingSecret): ConfigIssue {
  if (secret.variable) {
    return { path: secret.path, message: `environment variable ${secret.variable} is not set (referenced as \${${secret.variable}})` };
  }
  return { path: secret.path, message: `cannot read secret file ${secret.file}` };
}

/**
 * The one place a command asks for the secrets it is about to use: throws `ConfigError` naming
 * every unset variable or unreadable file under the given key-path prefixes (all when none).
 */
export function requireSecrets(loaded: LoadedConfig, prefixes?: string[]): void {
  const needed = loaded.missingSecrets.filter(
    (secret) => !prefixes || prefixes.some((prefix) => secret.path === prefix || secret.path.startsWith(`${prefix}.`)),
  );
  if (needed.length > 0) throw new ConfigError(loaded.source.path, needed.map(describeMissingSecret));
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const SECRET_KEYS = new Set(['apiKey', 'password', 'accessToken', 'clientSecret', 'refreshToken']);
const FILE_KEYS: Record<string, string> = { apiKeyFile: 'apiKey', passwordFile: 'password' };

/**
 * Turns the YAML tree into plain data, replacing `${VAR}` (required) and `${VAR:-fallback}`
 * (optional) in strings, and reading `*File` secret paths into their sibling key.
 */
function interpolate(
  node: YamlNode | null | undefined | unknown,
  path: string[],
  env: NodeJS.ProcessEnv,
  secrets: string[],
  issues: ConfigIssue[],
  baseDir: string,
  missing: MissingSecret[],
): unknown {
  if (node === null || node === undefined) return node;
  if (isMap(node)) {
    const result: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      result[key] = interpolate(pair.value, [...path, key], env, secrets, issues, baseDir, missing);
    }
    for (const [fileKey, targetKey] of Object.entries(FILE_KEYS)) {
      const filePath = result[fileKey];
      if (typeof filePath !== 'string') continue;
      if (result[targetKey] !== undefined && result[targetKey] !== '') {
        issues.push({ path: [...path, fileKey].join('.'), message: `set either ${targetKey} or ${fileKey}, not both` });
        continue;
      }
      try {
        const expanded = filePath.startsWith('~/') ? join(env.HOME ?? homedir(), filePath.slice(2)) : filePath;
        const secret = readFileSync(resolve(baseDir, expanded), 'utf8').trim();
        secrets.push(secret);
        result[targetKey] = secret;
      } catch {
        missing.push({ path: [...path, fileKey].join('.'), file: filePath });
      }
    }
    return result;
  }
  if (isSeq(node)) return node.items.map((item, index) => interpolate(item, [...path, String(index)], env, secrets, issues, baseDir, missing));
  if (isScalar(node)) {
    const value = node.value;
    if (typeof value !== 'string') return value;
    const keyPath = path.join('.');
    const leaf = path[path.length - 1] ?? '';
    let usedEnv = false;
    const replaced = value.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
      usedEnv = true;
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      if (SECRET_KEYS.has(leaf)) missing.push({ path: keyPath, variable: name });
      else issues.push({ path: keyPath, message: `environment variable ${name} is not set (referenced as \${${name}})` });
      return '';
    });
    if (SECRET_KEYS.has(leaf) && replaced !== '') {
      if (!usedEnv) {
        issues.push({
          path: keyPath,
          message: `secrets must not be written in the config file; use \${ENV_VAR} or ${leaf}File`,
        });
      }
      secrets.push(replaced);
    }
    return replaced;
  }
  return node;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigIssue {
  const path = issue.path.map(String);
  const found = valueAt(raw, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(path);
      const messages = issue.keys.map((key) => {
        const suggestion = closest(key, known);
        return `unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
      });
      return { path: path.join('.'), message: messages.join('; ') };
    }
    case 'invalid_type':
      if (found === undefined) return { path: path.join('.'), message: `missing; expected ${issue.expected}` };
      return { path: path.join('.'), message: `expected ${issue.expected}, found ${describeValue(found)}` };
    case 'invalid_value':
      return {
        path: path.join('.'),
        message: `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, found ${describeValue(found)}`,
      };
    case 'invalid_union': {
      // Explain the branch that came closest: the one whose value shape matched (fewest issues).
      const branches = issue.errors.filter((branch) => branch.length > 0).sort((a, b) => a.length - b.length);
      const nearest = branches.find((branch) => branch.some((inner) => inner.code === 'unrecognized_keys' || inner.path.length > 0));
      if (nearest) {
        const inner = nearest.find((candidate) => candidate.code === 'unrecognized_keys') ?? nearest[0];
        return describeIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue, raw);
      }
      if (found === undefined) return { path: path.join('.'), message: 'missing' };
      return { path: path.join('.'), message: `${issue.message}, found ${describeValue(found)}` };
    }
    default:
      // A token pasted where its variable's name belongs is not echoed back.
      if (NAME_OF_SECRET_KEYS.has(path.at(-1) ?? '')) return { path: path.join('.'), message: issue.message };
      return { path: path.join('.'), message: `${issue.message}, found ${describeValue(found)}` };
  }
}

/** Keys that name where a secret is (an environment variable), whose wrong value may be the secret itself. */
const NAME_OF_SECRET_KEYS = new Set(['tokenEnv']);

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function valueAt(root: unknown, path: string[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Keys the schema accepts at a path, for "did you mean" suggestions. */
function knownKeysAt(path: string[]): string[] {
  let schema: z.ZodType = configSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[segment] ?? z.never();
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else if (current instanceof z.ZodUnion) {
      const object = current.options.find((option) => unwrap(option as z.ZodType) instanceof z.ZodObject);
      if (!object) return current;
      current = object as z.ZodType;
    } else return current;
  }
}

/** The known word nearest to `word` by edit distance, when near enough to be a typo. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * Checks that names point at things that exist: providers, time zones, cron expressions. Model
 * references are resolved (and checked) against the catalogue by `resolveModelConfigs`.
 */
function checkReferences(config: Config, declared: ReadonlySet<string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, model] of Object.entries(config.models)) {
    // Models named only by a tier or the flagship had their provider checked during resolution.
    if (declared.has(id) && model.provider && !config.providers[model.provider]) {
      const providers = Object.keys(config.providers);
      issues.push({
        path: `models.${id}.provider`,
        message: `unknown provider "${model.provider}"; providers are: ${providers.join(', ') || '(none)'}`,
      });
    }
    const dates = (model.prices ?? []).map((price) => price.effectiveFrom);
    if (new Set(dates).size !== dates.length) {
      issues.push({ path: `models.${id}.prices`, message: 'two prices share one effectiveFrom date' });
    }
  }
  if (config.timezone && !isTimeZone(config.timezone)) {
    issues.push({ path: 'timezone', message: `unknown time zone "${config.timezone}"; expected an IANA name like Europe/Paris` });
  }
  for (const [name, account] of Object.entries(config.mail.accounts)) {
    if (account.oauth2 === 'google' && !config.google) {
      issues.push({ path: `mail.accounts.${name}.oauth2`, message: 'oauth2: google needs a google: section (clientId, clientSecret, refreshToken)' });
    }
  }
  for (const [name, job] of Object.entries(config.jobs)) {
    if (!cron.validate(job.schedule)) {
      issues.push({ path: `jobs.${name}.schedule`, message: `invalid cron expression "${job.schedule}"` });
    }
    if (job.timezone && !isTimeZone(job.timezone)) {
      issues.push({ path: `jobs.${name}.timezone`, message: `unknown time zone "${job.timezone}"; expected an IANA name like Europe/Paris` });
    }
  }
  return issues;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
