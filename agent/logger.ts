/**
 * Structured logs: one JSON line per event on stdout (journald keeps them), with every
 * known secret value replaced before the line is written.
 */
import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';

export type { Logger };

/** Replaces every occurrence of each secret (and common key shapes) in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  // Key-shaped strings that never went through config (a key pasted into a task, say).
  return result.replace(/\b(sk-(?:ant-)?[A-Za-z0-9_-]{16,})\b/g, '[redacted]');
}

export interface LoggerOptions {
  level: string;
  secrets?: readonly string[];
  /** Where lines go; stdout by default. */
  destination?: NodeJS.WritableStream;
}

/** A pino logger whose every line passes through `redact` before it is written. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stdout;
  const secrets = options.secrets ?? [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      destination.write(redact(chunk.toString('utf8'), secrets));
      callback();
    },
  });
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

/** A logger that discards everything, for tests and quiet CLI commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
