/**
 * Structured logs: one JSON line per event on stdout (journald keeps them), with every
 * known secret value replaced before the line is written.
 */
import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';
import type { Redactor } from '../contracts/redactor.ts';
import { createSecretRegistry } from '../config/secrets.ts';

export type { Logger };

/** Replaces every occurrence of each secret (and common key shapes) in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  return createSecretRegistry(secrets).redact(text);
}

export interface LoggerOptions {
  level: string;
  secrets?: readonly string[];
  /** The process's secret registry; preferred over `secrets`, as it also sees secrets resolved later. */
  redactor?: Redactor;
  /** Where lines go; stdout by default. */
  destination?: NodeJS.WritableStream;
}

/** A pino logger whose every line passes through `redact` before it is written. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stdout;
  const redactor = options.redactor ?? createSecretRegistry(options.secrets ?? []);
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      destination.write(redactor.redact(chunk.toString('utf8')));
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
