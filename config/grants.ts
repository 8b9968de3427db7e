/**
 * Per-job grants (`jobs.<name>.grants`), deny by default: a job's model may be offered only the
 * tools named there, and a write may only touch the repositories, run the commands and mail the
 * recipients named there. These checks are about what may happen at all; whether it happens now
 * or waits for the owner is the orchestrator's gate (untrusted content in the context).
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Grants } from './schema.ts';

/** No grants at all: what a job that names none gets. */
export const NO_GRANTS: Grants = { tools: [], repositories: [], commands: [], recipients: [] };

function absolute(path: string): string {
  return path === '~' || path.startsWith('~/') ? resolve(homedir(), path.slice(2)) : resolve(path);
}

export function grantsTool(grants: Grants, name: string): boolean {
  return grants.tools.includes(name);
}

/** True when `repo` (a path; `~` expanded) is one of the granted repositories. */
export function grantsRepository(grants: Grants, repo: string): boolean {
  const wanted = absolute(repo);
  return grants.repositories.some((entry) => absolute(entry) === wanted);
}

/** True when `argv` equals a granted command, argument for argument. */
export function grantsCommand(grants: Grants, argv: readonly string[]): boolean {
  return grants.commands.some((entry) => entry.length === argv.length && entry.every((part, index) => part === argv[index]));
}

/** True for the owner's own address or a granted one (case-insensitive). */
export function grantsRecipient(grants: Grants, address: string, owner: string | undefined): boolean {
  const wanted = address.trim().toLowerCase();
  if (owner !== undefined && wanted === owner.trim().toLowerCase()) return true;
  return grants.recipients.some((entry) => entry.trim().toLowerCase() === wanted);
}
