/**
 * The model's answer for a code edit: its JSON Schema, its parsing, and applying it to the
 * working tree. Every path is checked before any file is touched, so an answer with one
 * unsafe path changes nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { z } from 'zod';
import { resolveInsideRepo, UnsafePathError } from './repo-paths.ts';
import type { EditAnswer, FileEdit } from './types.ts';

/**
 * JSON Schema handed to the router as `responseSchema`. Sent with `strict: true`, so every
 * property is required and the two alternatives (whole content or a diff) are nullable: an
 * edit sets exactly one of them and null for the other.
 */
export const EDIT_ANSWER_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['edits', 'commitMessage'],
  properties: {
    edits: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'content', 'diff'],
        properties: {
          path: { type: 'string', description: 'Path relative to the repository root, with forward slashes' },
          content: { type: ['string', 'null'], description: 'The complete new content of the file; null when a diff is given' },
          diff: { type: ['string', 'null'], description: 'A unified diff (git format, a/ and b/ prefixes) for this file; null when content is given' },
        },
      },
    },
    commitMessage: { type: 'string', description: 'Subject line (at most 72 characters), a blank line, then why' },
  },
};

const editSchema = z.union([
  z.strictObject({ path: z.string().min(1), content: z.string() }),
  z.strictObject({ path: z.string().min(1), diff: z.string().min(1) }),
]);
const answerSchema = z.strictObject({
  edits: z.array(editSchema).min(1),
  commitMessage: z.string().trim().min(1),
});

/** A model answer that is not valid JSON of the edits schema; worth one escalation. */
export class InvalidAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAnswerError';
  }
}

/** A diff that `git apply --check` refused; worth one escalation. */
export class EditApplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EditApplyError';
  }
}

/** Parses the model's text (bare JSON or one fenced block). Throws `InvalidAnswerError`. */
export function parseEditAnswer(text: string): EditAnswer {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(text);
  const body = (fenced ? fenced[1] : text).trim();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InvalidAnswerError(`the answer is not JSON: ${(error as Error).message}`);
  }
  const parsed = answerSchema.safeParse(withoutNullAlternatives(json));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new InvalidAnswerError(`the answer does not match the edits schema: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Strict structured output answers the unused alternative with null; the edit shapes leave it out. */
function withoutNullAlternatives(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { edits?: unknown }).edits)) return json;
  const answer = json as { edits: unknown[] };
  return {
    ...answer,
    edits: answer.edits.map((edit) =>
      typeof edit === 'object' && edit !== null ? Object.fromEntries(Object.entries(edit).filter(([key, value]) => !((key === 'content' || key === 'diff') && value === null))) : edit,
    ),
  };
}

function unquoteGitPath(raw: string): string {
  const trimmed = raw.trim().split('\t')[0];
  if (!trimmed.startsWith('"')) return trimmed;
  try {
    return JSON.parse(trimmed) as string;
  } catch {
    throw new UnsafePathError(trimmed, 'unreadable quoted path in diff');
  }
}

function stripPrefix(path: string): string | undefined {
  if (path === '/dev/null') return undefined;
  if (path.startsWith('a/') || path.startsWith('b/')) return path.slice(2);
  return path;
}

/**
 * Every path a unified diff touches (headers, renames, copies). Throws `UnsafePathError` for a
 * diff that creates a symbolic link or a submodule entry, and `EditApplyError` for a text
 * with no file header at all.
 */
export function pathsInDiff(diff: string): string[] {
  const paths = new Set<string>();
  for (const line of diff.split(/\r?\n/)) {
    let match: RegExpExecArray | null;
    if ((match = /^diff --git (\S+|"[^"]*") (\S+|"[^"]*")$/.exec(line))) {
      for (const raw of [match[1], match[2]]) {
        const path = stripPrefix(unquoteGitPath(raw));
        if (path) paths.add(path);
      }
    } else if ((match = /^(?:---|\+\+\+) (.+)$/.exec(line))) {
      const path = stripPrefix(unquoteGitPath(match[1]));
      if (path) paths.add(path);
    } else if ((match = /^(?:rename|copy) (?:from|to) (.+)$/.exec(line))) {
      paths.add(unquoteGitPath(match[1]));
    } else if (/^(?:new file mode|new mode|index [0-9a-f]+\.\.[0-9a-f]+) 1[26]0000/.test(line)) {
      throw new UnsafePathError(line, 'diffs may not create symbolic links or submodules');
    }
  }
  if (paths.size === 0) throw new EditApplyError('the diff has no file header (--- a/path, +++ b/path)');
  return [...paths];
}

/**
 * Checks every edit's paths against the repository (throws `UnsafePathError` before touching
 * anything), then writes contents and applies diffs in order. Diffs go through
 * `git apply --check` first; a refusal throws `EditApplyError`. Returns the paths touched.
 */
export async function applyEdits(git: SimpleGit, repoRoot: string, edits: FileEdit[]): Promise<string[]> {
  const planned = edits.map((edit) => {
    if ('content' in edit) return { edit, paths: [resolveInsideRepo(repoRoot, edit.path)] };
    const declared = resolveInsideRepo(repoRoot, edit.path);
    const touched = pathsInDiff(edit.diff).map((path) => resolveInsideRepo(repoRoot, path));
    return { edit, paths: [declared, ...touched] };
  });
  const touched = new Set<string>();
  const scratch = mkdtempSync(join(tmpdir(), 'switchboard-patch-'));
  try {
    for (const [index, { edit, paths }] of planned.entries()) {
      if ('content' in edit) {
        mkdirSync(dirname(paths[0].absolutePath), { recursive: true });
        writeFileSync(paths[0].absolutePath, edit.content);
      } else {
        // Outside the repository, so a failed run leaves no stray patch file behind.
        const patchFile = join(scratch, `edit-${index}.patch`);
        writeFileSync(patchFile, edit.diff.endsWith('\n') ? edit.diff : `${edit.diff}\n`);
        try {
          await git.raw(['apply', '--check', '--whitespace=nowarn', patchFile]);
        } catch (error) {
          throw new EditApplyError(`git apply --check refused the diff for ${edit.path}: ${(error as Error).message.trim()}`);
        }
        await git.raw(['apply', '--whitespace=nowarn', patchFile]);
      }
      for (const path of paths.slice('content' in edit ? 0 : 1)) touched.add(path.relativePath);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return [...touched];
}
