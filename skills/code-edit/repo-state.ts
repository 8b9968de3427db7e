/**
 * A snapshot of what a user would notice in a repository: where HEAD is, which branches
 * exist and where they point, and what `git status` shows. Taken before a code edit and
 * compared after a rollback, so "left exactly as it was" is checked, not assumed.
 */
import type { SimpleGit } from 'simple-git';

export interface RepoSnapshot {
  head: string;
  /** The checked-out branch; undefined when HEAD is detached. */
  branch: string | undefined;
  /** `name sha` for every local branch, sorted. */
  branches: string[];
  /** `git status --porcelain` lines (untracked files included, ignored ones not). */
  status: string[];
}

export async function takeSnapshot(git: SimpleGit): Promise<RepoSnapshot> {
  const head = (await git.raw(['rev-parse', 'HEAD'])).trim();
  let branch: string | undefined;
  try {
    branch = (await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim() || undefined;
  } catch {
    branch = undefined;
  }
  const branches = (await git.raw(['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/']))
    .split('\n')
    .filter(Boolean)
    .sort();
  const status = (await git.raw(['status', '--porcelain=v1', '--untracked-files=all']))
    .split('\n')
    .filter(Boolean);
  return { head, branch, branches, status };
}

/** Human-readable differences between two snapshots; empty when they match. */
export function compareSnapshots(before: RepoSnapshot, after: RepoSnapshot): string[] {
  const differences: string[] = [];
  if (before.head !== after.head) differences.push(`HEAD moved from ${before.head} to ${after.head}`);
  if (before.branch !== after.branch) differences.push(`checked-out branch is ${after.branch ?? '(detached)'}, was ${before.branch ?? '(detached)'}`);
  if (before.branches.join('\n') !== after.branches.join('\n')) {
    differences.push(`branches differ: was [${before.branches.join(', ')}], now [${after.branches.join(', ')}]`);
  }
  if (before.status.join('\n') !== after.status.join('\n')) {
    differences.push(`git status differs: was [${before.status.join('; ')}], now [${after.status.join('; ')}]`);
  }
  return differences;
}
