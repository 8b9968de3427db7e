/**
 * The registry of every secret value this process has resolved: API keys and passwords from
 * `${VAR}` placeholders and `*File` paths, OAuth client secrets and refresh tokens, and any
 * token obtained later (call `add` wherever a secret is resolved, lazily or not). It is the one
 * redactor: logs, stored run results, error messages, mail and CLI output pass through it.
 */
import type { Redactor } from '../contracts/redactor.ts';

export const REDACTED = '[redacted]';

/** Shorter values are not redacted: replacing every "abc" in a log would hide more than it guards. */
const MIN_SECRET_LENGTH = 4;

/** Key-shaped strings that never went through config (a key pasted into a task, say). */
const KEY_SHAPES = [/\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g];

export interface SecretRegistry extends Redactor {
  /** Registers a resolved secret (ignored when empty or shorter than 4 characters). */
  add(value: string | undefined): void;
  /** True when `text` holds a registered secret (in any of the forms `redact` replaces). */
  reveals(text: string): boolean;
  /** How many distinct values are registered. */
  readonly size: number;
}

/** A registry holding `initial`; `add` more as they are resolved. */
export function createSecretRegistry(initial: Iterable<string> = []): SecretRegistry {
  const values = new Set<string>();
  // Every form a secret may take in stored or shown text, longest first so that a secret
  // containing another is replaced whole.
  let forms: string[] = [];
  const rebuild = () => {
    const all = new Set<string>();
    for (const value of values) for (const form of formsOf(value)) if (form.length >= MIN_SECRET_LENGTH) all.add(form);
    forms = [...all].sort((a, b) => b.length - a.length);
  };
  const registry: SecretRegistry = {
    add(value) {
      if (value === undefined) return;
      const trimmed = value.trim();
      for (const candidate of new Set([value, trimmed])) {
        if (candidate.length < MIN_SECRET_LENGTH || values.has(candidate)) continue;
        values.add(candidate);
      }
      rebuild();
    },
    redact(text) {
      if (typeof text !== 'string' || text.length === 0) return text;
      let result = text;
      for (const form of forms) if (result.includes(form)) result = result.split(form).join(REDACTED);
      for (const shape of KEY_SHAPES) result = result.replace(shape, REDACTED);
      return result;
    },
    reveals(text) {
      return forms.some((form) => text.includes(form));
    },
    get size() {
      return values.size;
    },
  };
  for (const value of initial) registry.add(value);
  return registry;
}

/** The value as written raw, inside a JSON string, in a URL, in HTML and in base64 (HTTP basic auth, SMTP AUTH). */
function formsOf(value: string): string[] {
  const html = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const forms = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), html];
  if (value.length >= 12) forms.push(Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, ''));
  return forms;
}
