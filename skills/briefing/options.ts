/**
 * The briefing job's options (`jobs.<job>.options`), validated at the start of each run so a
 * typo names its key path instead of silently dropping a section.
 */
import { z } from 'zod';
import { SECTION_NAMES, type BriefingOptions } from './types.ts';
import { assertKnownOptionKeys } from '../option-keys.ts';

const optionsSchema = z.strictObject({
  sections: z.array(z.enum(SECTION_NAMES)).min(1).default([...SECTION_NAMES]),
  dueWithinDays: z.number().int().min(0).max(60).default(3),
  maxUnread: z.number().int().min(1).max(50).default(10),
  /**
   * When every model call of the run fails: `fail` (the default) sends nothing and records the run
   * `failed`; `figures-only` sends the briefing without its intro, says so at the top, and records
   * the run `degraded`.
   */
  onModelFailure: z.enum(['fail', 'figures-only']).default('fail'),
});

/** Parses job options; throws an Error naming `jobs.<job>.options.<key>` on bad input. */
export function parseBriefingOptions(options: Record<string, unknown>, job: string): BriefingOptions {
  assertKnownOptionKeys(options, Object.keys(optionsSchema.shape), job, 'briefing');
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `jobs.${job}.options${issue.path.map((key) => `.${String(key)}`).join('')}: ${issue.message}`);
  throw new Error(`invalid briefing options: ${problems.join('; ')}`);
}
