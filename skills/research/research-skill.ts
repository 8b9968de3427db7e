/**
 * The research skill: fetches feeds and pages, keeps the items not summarised before (and,
 * when topics are set, only those mentioning one), summarises them in one digest request on
 * the orchestration tier (the router's size rule takes a large one to large-context), adds an
 * optional reasoning-tier write-up, and stores the digest for the briefing.
 */
import { appendDailyNote, localDay } from '../../memory/daily-notes.ts';
import type { RoutedResponse } from '../../contracts/router.ts';
import type { Skill, SkillContext, SkillProblem, SkillResult } from '../types.ts';
import { aProblem, EveryPartFailedError, withProblems } from '../problems.ts';
import { fetchSource, SourceError, type FetchFunction } from './fetch-source.ts';
import type { FeedItem } from './feed.ts';
import { storeDigest, unseenKeys, type DigestItem } from './digests.ts';
import { parseResearchOptions, type ResearchOptions } from './options.ts';
import { digestRequest, estimateRequestTokens, writeUpRequest, type DocumentInput } from './prompt.ts';

export interface ResearchSkillDeps {
  /** HTTP client; the global fetch by default. */
  fetch?: FetchFunction;
}

export interface SourceFailure {
  source: string;
  /** `SourceError`'s kind (http, timeout, too_large, network, invalid, unreadable). */
  kind: string;
  error: string;
}

export function createResearchSkill(deps: ResearchSkillDeps = {}): Skill {
  return {
    name: 'research',
    checkOptions: (options, job) => void parseResearchOptions(options, job),
    description: 'Summarises new items from RSS/Atom feeds and web pages into a digest for the briefing.',
    run: (context, signal) => runResearch(context, signal, deps),
  };
}

async function runResearch(context: SkillContext, signal: AbortSignal, deps: ResearchSkillDeps): Promise<SkillResult> {
  const options = parseResearchOptions(context.options, context.job);
  const { items, failures } = await collectItems(options, signal, deps.fetch);
  const sourceCount = options.feeds.length + options.pages.length;
  for (const failure of failures) context.logger.warn({ event: 'research-source-failed', ...failure }, failure.error);
  // Every failed source is a part of the run that failed: the run is degraded, or failed when none was read.
  const problems: SkillProblem[] = failures.map((failure) => aProblem(`source:${failure.source}`, failure.kind, failure.error));
  if (failures.length === sourceCount) {
    throw new EveryPartFailedError(`research: every source failed: ${failures.map((failure) => failure.error).join('; ')}`, problems);
  }
  const readSources = sourceCount - failures.length;

  const fresh = items.filter((item) => matchesTopics(item, options.topics));
  const unseen = fresh.filter((item) => unseenKeys(context.db, item.source, [item.key]).length === 1);
  const { chosen, deferred } = chooseBatch(unseen, options);
  const failureDetails = { failures, sources: sourceCount };
  if (chosen.length === 0) {
    return withProblems({ summary: `no new items from ${sourceCount} sources${failureNote(failures)}`, details: { ...failureDetails, items: [] } }, problems, readSources);
  }

  const documents = chosen.map((item, index) => toDocument(item, index, options.maxItemChars));
  const request = digestRequest(documents, options.topics);
  const origin = { runId: context.runId, job: context.job, skill: context.skill };
  const response = await context.router.complete(
    { task: { kind: 'summarise', inputTokens: estimateRequestTokens(request) }, request, origin },
    signal,
  );
  const parsed = parseDigestAnswer(response, documents, context.now());
  let costUsd = response.costUsd;

  let writeUp: { topic: string; text: string } | undefined;
  if (options.writeUp) {
    const topic = options.writeUp.topic;
    const onTopic = documents.filter((document) => mentions(`${document.title}\n${document.text}`, topic));
    if (onTopic.length > 0) {
      const report = writeUpRequest(topic, onTopic);
      try {
        const answer = await context.router.complete(
          { task: { kind: 'report', inputTokens: estimateRequestTokens(report) }, request: report, origin },
          signal,
        );
        writeUp = { topic, text: answer.text.trim() };
        costUsd += answer.costUsd;
      } catch (error) {
        if (signal.aborted) throw error;
        // The digest was paid for and stands on its own: it is stored, the write-up is a failed part.
        const kind = (error as { kind?: unknown } | null)?.kind;
        problems.push(aProblem('write-up', typeof kind === 'string' ? kind : 'error', error instanceof Error ? error.message : String(error)));
        context.logger.warn({ event: 'research-write-up-failed', error: String(error) }, 'the write-up failed; the digest is stored without it');
      }
    }
  }

  const digestItems: DigestItem[] = chosen.map((item, index) => ({
    source: item.source,
    title: item.title || item.link || item.source,
    ...(item.link ? { link: item.link } : {}),
    ...(item.published ? { published: item.published } : {}),
    summary: parsed.itemSummaries.get(documents[index].id) ?? '',
  }));
  const createdAt = context.now().toISOString();
  const digestId = storeDigest(
    context.db,
    {
      job: context.job,
      runId: context.runId,
      createdAt,
      title: parsed.title,
      summary: parsed.summary,
      items: digestItems,
      ...(writeUp ? { writeUp } : {}),
      model: response.modelId,
      costUsd,
    },
    chosen.map((item) => ({ source: item.source, key: item.key })),
  );
  if (options.dailyNote) {
    appendDailyNote(
      context.dataDir,
      localDay(context.now(), context.timezone),
      `Research digest #${digestId} "${parsed.title}": ${chosen.length} new items.`,
      { db: context.db, label: context.job, now: context.now() },
    );
  }
  return withProblems({
    summary: `digest #${digestId} "${parsed.title}": ${chosen.length} new items from ${sourceCount} sources${
      deferred > 0 ? `, ${deferred} left for the next run` : ''
    }${failureNote(failures)}`,
    details: {
      digestId,
      title: parsed.title,
      summary: parsed.summary,
      items: digestItems,
      ...(writeUp ? { writeUp } : {}),
      tier: response.decision.tier,
      model: response.modelId,
      costUsd,
      deferred,
      ...failureDetails,
    },
  }, problems, readSources);
}

/** Fetches every source at once; a failing source becomes a `SourceFailure`, the others go on. */
async function collectItems(
  options: ResearchOptions,
  signal: AbortSignal,
  fetchFunction: FetchFunction | undefined,
): Promise<{ items: FeedItem[]; failures: SourceFailure[] }> {
  const limits = { maxBytes: options.maxBytes, timeoutMs: options.timeout };
  // The feed and page readers pull in linkedom, Readability and an XML parser (about 20 MB):
  // loaded when a research run starts, not when the daemon does.
  const [{ contentKey, parseFeed }, { extractPage }] = await Promise.all([import('./feed.ts'), import('./page.ts')]);
  const jobs = [
    ...options.feeds.map(async (url) => {
      const fetched = await fetchSource(url, limits, signal, fetchFunction);
      return parseFeed(fetched.text, url).items;
    }),
    ...options.pages.map(async (url): Promise<FeedItem[]> => {
      const fetched = await fetchSource(url, limits, signal, fetchFunction);
      const page = extractPage(fetched.text);
      if (page.text === '') throw new SourceError(url, 'no readable text on the page');
      return [
        {
          source: url,
          key: contentKey(page.text),
          title: page.title,
          link: fetched.finalUrl,
          ...(page.published ? { published: page.published } : {}),
          text: page.text,
        },
      ];
    }),
  ];
  const sources = [...options.feeds, ...options.pages];
  const settled = await Promise.allSettled(jobs);
  if (signal.aborted) throw signal.reason;
  const items: FeedItem[] = [];
  const failures: SourceFailure[] = [];
  settled.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') items.push(...outcome.value);
    else {
      const error = outcome.reason;
      const message = error instanceof SourceError ? error.message : `${sources[index]}: ${String(error?.message ?? error)}`;
      failures.push({ source: sources[index], kind: error instanceof SourceError ? error.kind : 'unreadable', error: message });
    }
  });
  return { items: dedupe(items), failures };
}

function dedupe(items: FeedItem[]): FeedItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = `${item.source}\u0000${item.key}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function matchesTopics(item: FeedItem, topics: string[]): boolean {
  if (topics.length === 0) return true;
  const haystack = `${item.title}\n${item.text}`;
  return topics.some((topic) => mentions(haystack, topic));
}

function mentions(text: string, topic: string): boolean {
  return text.toLocaleLowerCase().includes(topic.toLocaleLowerCase());
}

/** Newest first, up to maxItems and maxInputTokens; the rest stay unseen for the next run. */
function chooseBatch(items: FeedItem[], options: ResearchOptions): { chosen: FeedItem[]; deferred: number } {
  const sorted = [...items].sort((a, b) => (b.published ?? '').localeCompare(a.published ?? ''));
  const chosen: FeedItem[] = [];
  let tokens = 0;
  for (const item of sorted) {
    if (chosen.length >= options.maxItems) break;
    const itemTokens = Math.ceil((Math.min(item.text.length, options.maxItemChars) + item.title.length + 200) / 4);
    if (chosen.length > 0 && tokens + itemTokens > options.maxInputTokens) break;
    chosen.push(item);
    tokens += itemTokens;
  }
  return { chosen, deferred: items.length - chosen.length };
}

function toDocument(item: FeedItem, index: number, maxChars: number): DocumentInput {
  const text = item.text.length > maxChars ? `${item.text.slice(0, maxChars)} […]` : item.text;
  return {
    id: `d${index + 1}`,
    source: item.source,
    title: item.title,
    ...(item.link ? { link: item.link } : {}),
    ...(item.published ? { published: item.published } : {}),
    text,
  };
}

interface ParsedDigest {
  title: string;
  summary: string;
  itemSummaries: Map<string, string>;
}

/**
 * Reads the model's JSON answer. Model output is untrusted too: only known document ids are
 * kept, strings are length-capped, and an answer that is not the expected JSON becomes the
 * summary as plain text rather than an error (the call was paid for).
 */
export function parseDigestAnswer(response: Pick<RoutedResponse, 'text'>, documents: DocumentInput[], now: Date): ParsedDigest {
  const fallbackTitle = `Research digest ${now.toISOString().slice(0, 10)}`;
  const known = new Set(documents.map((document) => document.id));
  try {
    const answer = JSON.parse(stripFence(response.text)) as { title?: unknown; summary?: unknown; items?: unknown };
    const itemSummaries = new Map<string, string>();
    if (Array.isArray(answer.items)) {
      for (const item of answer.items as { id?: unknown; summary?: unknown }[]) {
        if (typeof item?.id === 'string' && known.has(item.id) && typeof item.summary === 'string') {
          itemSummaries.set(item.id, cap(item.summary, 600));
        }
      }
    }
    return {
      title: typeof answer.title === 'string' && answer.title.trim() ? cap(answer.title, 120) : fallbackTitle,
      summary: typeof answer.summary === 'string' ? cap(answer.summary, 4000) : '',
      itemSummaries,
    };
  } catch {
    return { title: fallbackTitle, summary: cap(response.text, 4000), itemSummaries: new Map() };
  }
}

function stripFence(text: string): string {
  return text.trim().replace(/^```(?:json)?\s*/i, '').replace(/```$/, '').trim();
}

function cap(text: string, max: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function failureNote(failures: SourceFailure[]): string {
  return failures.length > 0 ? `; ${failures.length} failed: ${failures.map((failure) => failure.source).join(', ')}` : '';
}

/** Bundled sample feeds and pages (RSS, Atom, an article, a prompt-injection page, a malformed feed) for demos. */
export const RESEARCH_SAMPLES_DIR = new URL('./samples/', import.meta.url);
