/**
 * The word every floor speaks about secrets: something that turns text into text without any
 * secret value the process has loaded. The registry that knows the values is filled where
 * secrets are resolved (config/secrets.ts); code that stores or shows text takes a `Redactor`.
 */

export interface Redactor {
  /** `text` with every known secret replaced by `[redacted]`; the same string when none occurs. */
  redact(text: string): string;
}

/** Redacts nothing: for tests and code paths that never see a secret. */
export const NO_SECRETS: Redactor = { redact: (text) => text };

/**
 * A deep copy of `value` with every string (keys included) passed through `redactor`; for
 * JSON-shaped data (run results, ledger metadata, step details). Non-plain objects are kept as is.
 */
export function redactValue<T>(redactor: Redactor, value: T): T {
  return walk(redactor, value, 0) as T;
}

function walk(redactor: Redactor, value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => walk(redactor, item, depth + 1));
  if (value instanceof Error) return new Error(redactor.redact(value.message));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[redactor.redact(key)] = walk(redactor, item, depth + 1);
  return copy;
}
