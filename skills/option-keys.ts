/**
 * Every skill refuses job options it does not know, naming the key path and the closest valid
 * name: a typo (`dueWithinDay`) must not silently fall back to a default.
 */
import { closest } from '../config/load.ts';

/** Throws an Error naming `jobs.<job>.options.<key>` for each key of `options` not in `known`. */
export function assertKnownOptionKeys(options: Record<string, unknown>, known: readonly string[], job: string, skill: string): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const problems = unknown.map((key) => {
    const suggestion = closest(key, [...known]);
    return `jobs.${job}.options.${key}: not an option of the ${skill} skill${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
  });
  throw new Error(`${problems.join('; ')}; its options are: ${known.join(', ')}`);
}
