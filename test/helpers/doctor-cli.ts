/**
 * Runs `switchboard doctor` (or any command) as a child process without blocking this
 * process's event loop, so loopback fakes started by the test can answer it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'switchboard.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface DoctorRowJson {
  part: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export function runCliAsync(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/** `doctor --json` rows by part; throws with the output when stdout is not the JSON report. */
export function doctorRows(result: CliResult): { ok: boolean; rows: Map<string, DoctorRowJson>; list: DoctorRowJson[] } {
  let report: { ok: boolean; checks: DoctorRowJson[] };
  try {
    report = JSON.parse(result.stdout) as { ok: boolean; checks: DoctorRowJson[] };
  } catch {
    throw new Error(`doctor printed no JSON report (status ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return { ok: report.ok, rows: new Map(report.checks.map((row) => [row.part, row])), list: report.checks };
}
