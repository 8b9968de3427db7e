/**
 * The research job's options (`jobs.<name>.options` in config), validated when a run starts.
 */
import { z } from 'zod';
import { unknownOptionKeys } from '../option-keys.ts';
import { parseDuration } from '../../config/schema.ts';

const sourceUrl = z
  .string()
  .refine((value) => /^(https?|file):\/\//i.test(value) && URL.canParse(value), 'an http(s) or file URL');

const duration = z
  .union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration like "20s"')])
  .transform((value) => parseDuration(value));

export const researchOptionsSchema = z.strictObject({
  feeds: z.array(sourceUrl).default([]).describe('RSS 2.0 or Atom feed URLs'),
  pages: z.array(sourceUrl).default([]).describe('Web pages to watch; a changed page counts as a new item'),
  topics: z.array(z.string().min(1)).default([]).describe('Keep only items mentioning one of these (case-insensitive)'),
  maxBytes: z.number().int().positive().default(2_000_000).describe('Stop reading a source past this many bytes'),
  timeout: duration.default(20_000).describe('Per source'),
  maxItems: z.number().int().positive().default(40).describe('Items per digest; the rest wait for the next run'),
  maxItemChars: z.number().int().positive().default(6_000).describe('Text kept per item'),
  maxInputTokens: z
    .number()
    .int()
    .positive()
    .default(150_000)
    .describe('Cap on one digest request; items past it wait for the next run'),
  writeUp: z
    .union([z.string().min(1), z.strictObject({ topic: z.string().min(1) })])
    .optional()
    .transform((value) => (typeof value === 'string' ? { topic: value } : value))
    .describe('A topic for a longer write-up on the reasoning tier, from the items that mention it'),
  dailyNote: z.boolean().default(true).describe("Append a line about each digest to the day's note"),
});

export type ResearchOptions = z.output<typeof researchOptionsSchema>;

/** Validates options; the error names each bad key as `jobs.<job>.options.<path>`. */
export function parseResearchOptions(options: Record<string, unknown>, job: string): ResearchOptions {
  // Unknown keys and bad values are reported together, every problem with its key path.
  const unknown = unknownOptionKeys(options, Object.keys(researchOptionsSchema.shape), job, 'research');
  const result = researchOptionsSchema.safeParse(options);
  if (!result.success || unknown.length > 0) {
    const problems = (result.success ? [] : result.error.issues).map((issue) => {
      const path = ['jobs', job, 'options', ...issue.path.map(String)].join('.');
      return `${path}: ${issue.message}`;
    });
    throw new Error(`research options: ${[...unknown, ...problems].join('; ')}`);
  }
  if (result.data.feeds.length + result.data.pages.length === 0) {
    throw new Error(`research options: jobs.${job}.options: give at least one of feeds or pages`);
  }
  return result.data;
}
