/**
 * Keeping every write inside the repository. A path from the model is untrusted: it is
 * refused when it is absolute, climbs with `..`, touches `.git`, or reaches outside the
 * repository through a symbolic link anywhere along the way.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export class UnsafePathError extends Error {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`refused path ${JSON.stringify(path)}: ${reason}`);
    this.name = 'UnsafePathError';
    this.path = path;
  }
}

/** True when `child` is `parent` or lies beneath it (both absolute, already resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/**
 * Checks the spelling of a repository-relative path and returns it normalised (`a/./b` → `a/b`).
 * Throws `UnsafePathError` for an empty or absolute path, a backslash, a NUL, a `..` segment or
 * any `.git` segment (any letter case: case-insensitive file systems would honour `.GIT`).
 */
export function normaliseRepoPath(path: string): string {
  if (typeof path !== 'string' || path.trim() === '') throw new UnsafePathError(String(path), 'empty path');
  if (path.includes('\0')) throw new UnsafePathError(path, 'contains a NUL byte');
  if (path.includes('\\')) throw new UnsafePathError(path, 'contains a backslash');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path) || path.startsWith('~')) {
    throw new UnsafePathError(path, 'absolute paths are not allowed');
  }
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0) throw new UnsafePathError(path, 'names no file');
  if (segments.includes('..')) throw new UnsafePathError(path, '".." is not allowed');
  if (segments.some((segment) => segment.toLowerCase() === '.git')) {
    throw new UnsafePathError(path, 'files under .git are not allowed');
  }
  return segments.join('/');
}

/**
 * Resolves a model-supplied path to an absolute file path that is safe to write: the nearest
 * existing ancestor (or the file itself, when it exists, symlink or not) must resolve, through
 * every symbolic link, to a place inside `repoRoot` and outside its `.git`. A dangling
 * symlink is refused, since writing through it would create its target wherever it points.
 * `repoRoot` must already be a real path.
 */
export function resolveInsideRepo(repoRoot: string, path: string): { relativePath: string; absolutePath: string } {
  const relativePath = normaliseRepoPath(path);
  const absolutePath = join(repoRoot, relativePath);
  const gitDirectory = join(repoRoot, '.git');
  let probe = absolutePath;
  for (;;) {
    let exists = false;
    try {
      lstatSync(probe);
      exists = true;
    } catch {
      exists = false;
    }
    if (exists) {
      let real: string;
      try {
        real = realpathSync(probe);
      } catch {
        throw new UnsafePathError(path, 'is or passes through a dangling symbolic link');
      }
      if (!isInside(repoRoot, real)) throw new UnsafePathError(path, 'resolves outside the repository (symbolic link)');
      if (isInside(gitDirectory, real)) throw new UnsafePathError(path, 'resolves into .git (symbolic link)');
      break;
    }
    const parent = join(probe, '..');
    if (parent === probe || !isInside(repoRoot, parent)) break;
    probe = parent;
  }
  return { relativePath, absolutePath };
}
