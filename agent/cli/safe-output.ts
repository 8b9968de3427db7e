/**
 * What the CLI prints is safe to print: no secret the process loaded, and no terminal control
 * sequence from untrusted text (a mail subject that clears the screen, retitles the window or
 * rewrites the line above). `terminalSafe` is the one function for the second; `guardOutput`
 * puts both on every write to stdout and stderr of a CLI process, as the last line of defence
 * behind the formatters that already call them.
 */
import type { Redactor } from '../../contracts/redactor.ts';

// C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides and
// isolates that reorder what a terminal shows.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character except newline and tab made visible: C0 as the Unicode
 * control pictures (ESC as "␛", CR as "␍"), DEL as "␡", C1 and bidi controls as `\u{…}`.
 * Returns the same string when there is nothing to show.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const code = character.codePointAt(0)!;
    if (code < 0x20) return String.fromCodePoint(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return `\\u{${code.toString(16)}}`;
  });
}

// Select Graphic Rendition (colour, bold): what our own tables paint with on a terminal. It can
// neither move the cursor nor retitle the window; formatters make untrusted text safe before
// painting, so the last line of defence lets these through.
const SGR = /\u001b\[[0-9;]*m/g;

/** `terminalSafe`, except that colour sequences (SGR) are kept as they are. */
export function terminalSafeKeepingColour(text: string): string {
  let safe = '';
  let last = 0;
  for (const match of text.matchAll(SGR)) {
    safe += terminalSafe(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return safe + terminalSafe(text.slice(last));
}

/** `value` with `terminalSafe` applied to every string inside it (arrays and plain objects walked). */
export function terminalSafeDeep<T>(value: T): T {
  if (typeof value === 'string') return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map((item) => terminalSafeDeep(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, terminalSafeDeep(item)])) as T;
  }
  return value;
}

const GUARDED = Symbol('switchboard.guarded-output');
type Write = NodeJS.WriteStream['write'];
type GuardedWrite = Write & { [GUARDED]?: Set<Redactor> };

/**
 * From now on, every write to `process.stdout` and `process.stderr` passes through `redactor`
 * (and those guarded before) and `terminalSafeKeepingColour`. Idempotent: a stream already guarded only
 * learns the new redactor.
 */
export function guardOutput(redactor: Redactor, streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    const current = stream.write as GuardedWrite;
    if (current[GUARDED]) {
      current[GUARDED].add(redactor);
      continue;
    }
    const redactors = new Set<Redactor>([redactor]);
    const original = current.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const guarded = ((chunk: unknown, ...rest: unknown[]) => {
      const encoding = typeof rest[0] === 'string' ? rest[0] : undefined;
      const text = typeof chunk === 'string' && (encoding === undefined || encoding === 'utf8' || encoding === 'utf-8')
        ? chunk
        : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : undefined;
      if (text === undefined) return original(chunk, ...rest);
      let safe = text;
      for (const each of redactors) safe = each.redact(safe);
      return original(terminalSafeKeepingColour(safe), ...(encoding === undefined ? rest : ['utf8', ...rest.slice(1)]));
    }) as GuardedWrite;
    guarded[GUARDED] = redactors;
    stream.write = guarded;
  }
}
