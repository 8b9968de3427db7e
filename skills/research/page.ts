/**
 * Readable text from a web page: @mozilla/readability over linkedom's DOM. linkedom only
 * builds a tree: no script runs and no subresource (image, stylesheet, frame) is loaded.
 */
import { createRequire } from 'node:module';
import { dropHiddenElements, parseHtml, visibleText, type HtmlDocument } from '../html/visible-text.ts';

// Loaded at the first page, like linkedom (visible-text.ts): a daemon start does not pay for it.
let readability: typeof import('@mozilla/readability') | undefined;

export interface ExtractedPage {
  title: string;
  text: string;
  excerpt: string;
  published?: string;
}

/** The page's main text, or its whole body text when Readability finds no article. Never throws on odd HTML. */
export function extractPage(html: string): ExtractedPage {
  const { document } = parseHtml(html);
  const fallbackTitle = normaliseSpace(document.querySelector('title')?.textContent ?? '');
  // Text hidden from a reader (display:none, white on white, comments, scripts) never reaches a model.
  dropHiddenElements(document as unknown as HtmlDocument);
  readability ??= createRequire(import.meta.url)('@mozilla/readability') as typeof import('@mozilla/readability');
  const article = new readability.Readability(document as never, { charThreshold: 200 }).parse();
  if (article?.textContent) {
    const text = normaliseText(article.textContent);
    const published = article.publishedTime ? new Date(article.publishedTime) : undefined;
    return {
      title: normaliseSpace(article.title ?? '') || fallbackTitle,
      text,
      excerpt: normaliseSpace(article.excerpt ?? '') || text.slice(0, 200),
      published: published && !Number.isNaN(published.getTime()) ? published.toISOString() : undefined,
    };
  }
  const text = normaliseText(document.body?.textContent ?? '');
  return { title: fallbackTitle, text, excerpt: text.slice(0, 200) };
}

/** Text of an HTML fragment (feed summaries); plain text passes through unchanged but trimmed. */
export function htmlToText(fragment: string): string {
  return normaliseText(visibleText(fragment));
}

function normaliseText(text: string): string {
  return text
    .split(/\n/)
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function normaliseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
