/**
 * What the model sees of the repository: the file listing, the files that mention the task's
 * words (within size caps), and the last commits. A keyword search, not an index: cheap,
 * predictable, and enough for the small, well-described edits this skill is for.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';

export interface ContextLimits {
  /** Files listed by name (the rest are counted). */
  maxListedFiles: number;
  /** A larger file is never sent whole. */
  maxFileBytes: number;
  /** All file contents together. */
  maxTotalBytes: number;
  maxFiles: number;
}

export const DEFAULT_CONTEXT_LIMITS: ContextLimits = {
  maxListedFiles: 400,
  maxFileBytes: 24_000,
  maxTotalBytes: 64_000,
  maxFiles: 8,
};

export interface RepoContext {
  files: string[];
  totalFiles: number;
  relevant: { path: string; content: string }[];
  recentCommits: string;
  keywords: string[];
}

const STOPWORDS = new Set(
  'the and for with that this from into when then than them they their there what which while where will would should could make makes add adds use uses using file files code function functions test tests please change changes update updates fix fixes new old all any are but not can its has have was were our your you'.split(
    ' ',
  ),
);

/** Lowercased words of three or more characters from `task`, stopwords removed, first 20 distinct. */
export function taskKeywords(task: string): string[] {
  const words = task.toLowerCase().match(/[a-z0-9_][a-z0-9_.-]{2,}/g) ?? [];
  const distinct = [...new Set(words.map((word) => word.replace(/[.-]+$/, '')))];
  return distinct.filter((word) => word.length >= 3 && !STOPWORDS.has(word)).slice(0, 20);
}

/**
 * Lists tracked files and picks the most relevant ones by keyword hits (a hit in the path
 * counts more than one in the content). Symbolic links and binary files are never read, so a
 * tracked link cannot carry a file from outside the repository into the prompt.
 */
export async function gatherContext(
  git: SimpleGit,
  repoRoot: string,
  task: string,
  limits: ContextLimits = DEFAULT_CONTEXT_LIMITS,
): Promise<RepoContext> {
  const files = (await git.raw(['ls-files', '-z'])).split('\0').filter(Boolean);
  const keywords = taskKeywords(task);
  const scored: { path: string; content: string; score: number }[] = [];
  for (const path of files) {
    const absolute = join(repoRoot, path);
    let size: number;
    try {
      const stat = lstatSync(absolute);
      if (!stat.isFile()) continue;
      size = stat.size;
    } catch {
      continue;
    }
    if (size > limits.maxFileBytes) continue;
    const buffer = readFileSync(absolute);
    if (buffer.includes(0)) continue;
    const content = buffer.toString('utf8');
    const lowerPath = path.toLowerCase();
    const lowerContent = content.toLowerCase();
    let score = 0;
    for (const keyword of keywords) {
      if (lowerPath.includes(keyword)) score += 5;
      if (lowerContent.includes(keyword)) score += 1;
    }
    if (score > 0) scored.push({ path, content, score });
  }
  scored.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  const relevant: { path: string; content: string }[] = [];
  let total = 0;
  for (const file of scored) {
    if (relevant.length >= limits.maxFiles) break;
    if (total + file.content.length > limits.maxTotalBytes) continue;
    relevant.push({ path: file.path, content: file.content });
    total += file.content.length;
  }
  const recentCommits = (await git.raw(['log', '-5', '--oneline'])).trim();
  return { files: files.slice(0, limits.maxListedFiles), totalFiles: files.length, relevant, recentCommits, keywords };
}
