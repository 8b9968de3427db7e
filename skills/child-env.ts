/**
 * The environment a child process gets: an allow-list, never the daemon's own. Provider keys,
 * mail passwords and Google tokens live in the daemon's environment (or were read from files);
 * a child sees only what it needs to find programs and speak the locale, plus what the job's
 * config names explicitly, and even that may not carry a secret Switchboard loaded.
 */
import type { Redactor } from '../contracts/redactor.ts';

/** Inherited from the daemon when set: enough to find programs, name the user and speak the locale. */
export const INHERITED_NAMES: readonly string[] = ['PATH', 'HOME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'USER', 'LOGNAME'];

/** Locale categories (`LC_ALL`, `LC_TIME`, ...) are inherited too. */
const LOCALE_NAME = /^LC_[A-Z_]+$/;

export interface ChildEnvOptions {
  /** The daemon's environment to pick from; default `process.env`. */
  parent?: NodeJS.ProcessEnv;
  /** Replaces HOME (a scratch directory for model-written code). */
  home?: string;
  /** Variables the job's config names, added after the inherited ones. */
  configured?: Record<string, string>;
  /** Config key path of `configured`, for the error message, e.g. `jobs.backup.options.env`. */
  configuredAt?: string;
  /** Variables set by Switchboard itself (run id, idempotency key), added last. */
  own?: Record<string, string>;
  /** The process's secret registry: a configured value holding a secret is refused. */
  secrets?: Redactor;
}

export class SecretInChildEnvError extends Error {
  constructor(path: string) {
    super(`${path} holds a secret Switchboard loaded (a provider key, a mail password or a Google token); secrets are never passed to child processes`);
    this.name = 'SecretInChildEnvError';
  }
}

/**
 * The allow-listed environment. Throws `SecretInChildEnvError` naming the key when a
 * configured value holds a registered secret; never copies anything else from `parent`.
 */
export function childEnvironment(options: ChildEnvOptions = {}): NodeJS.ProcessEnv {
  const parent = options.parent ?? process.env;
  const result: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (INHERITED_NAMES.includes(name) || LOCALE_NAME.test(name)) result[name] = value;
  }
  if (options.home !== undefined) result.HOME = options.home;
  for (const [name, value] of Object.entries(options.configured ?? {})) {
    if (options.secrets && options.secrets.redact(value) !== value) {
      throw new SecretInChildEnvError(`${options.configuredAt ?? 'env'}.${name}`);
    }
    result[name] = value;
  }
  return { ...result, ...options.own };
}
