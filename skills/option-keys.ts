/**
 * Every skill refuses job options it does not know, naming the key path and the closest valid
 * name: a typo (`dueWithinDay`) must not silently fall back to a default.
 */
import { closest } from '../config/load.ts';

/** One message per key of `options` not in `known`, naming `jobs.<job>.options.<key>` and the closest valid key; empty when none. */
export function unknownOptionKeys(options: Record<string, unknown>, known: readonly string[], job: string, skill: string): string[] {
  return Object.keys(options)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const suggestion = closest(key, [...known]);
      return `jobs.${job}.options.${key}: not an option of the ${skill} skill${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
    });
}

/** Throws an Error naming `jobs.<job>.options.<key>` for each key of `options` not in `known`. */
export function assertKnownOptionKeys(options: Record<string, unknown>, known: readonly string[], job: string, skill: string): void {
  const problems = unknownOptionKeys(options, known, job, skill);
  if (problems.length === 0) return;
  throw new Error(`${problems.join('; ')}; its options are: ${known.join(', ')}`);
}
