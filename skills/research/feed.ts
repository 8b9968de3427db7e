/**
 * Parsing RSS 2.0, RSS 1.0 (RDF) and Atom feeds into plain items. Summaries arrive as HTML
 * and leave as text; nothing in a feed is run or followed.
 */
import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { htmlToText } from './page.ts';
import { SourceError } from './fetch-source.ts';

export interface FeedItem {
  /** The feed or page URL the item came from. */
  source: string;
  /** guid (RSS) or id (Atom), else the link, else `sha256:` of title and text. */
  key: string;
  title: string;
  link?: string;
  /** ISO 8601, when the feed gives a parseable date. */
  published?: string;
  /** Plain text of the summary or content. */
  text: string;
}

export interface ParsedFeed {
  title: string;
  items: FeedItem[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ['item', 'entry', 'link', 'category'].includes(name),
});

/** Parses a feed document; throws `SourceError` naming `source` when it is not a well-formed feed. */
export function parseFeed(xml: string, source: string): ParsedFeed {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { msg, line } = validation.err;
    throw new SourceError(source, `malformed feed: ${msg} (line ${line})`);
  }
  const document = parser.parse(xml) as Record<string, any>;
  if (document.rss?.channel) {
    const channel = first(document.rss.channel);
    return { title: textOf(channel.title), items: asArray(channel.item).map((item) => rssItem(item, source)) };
  }
  if (document['rdf:RDF']) {
    const rdf = document['rdf:RDF'];
    return { title: textOf(first(rdf.channel)?.title), items: asArray(rdf.item).map((item) => rssItem(item, source)) };
  }
  if (document.feed) {
    const feed = document.feed;
    return { title: textOf(feed.title), items: asArray(feed.entry).map((entry) => atomEntry(entry, source)) };
  }
  const root = Object.keys(document).find((key) => !key.startsWith('?')) ?? 'nothing';
  throw new SourceError(source, `not an RSS or Atom feed (root element <${root}>)`);
}

function rssItem(item: Record<string, any>, source: string): FeedItem {
  const link = textOf(first(item.link)) || undefined;
  const guid = textOf(item.guid) || undefined;
  const title = htmlToText(textOf(item.title));
  const text = htmlToText(textOf(item['content:encoded']) || textOf(item.description));
  const published = isoDate(textOf(item.pubDate) || textOf(item['dc:date']));
  return { source, key: guid ?? link ?? contentKey(title, text), title, link, published, text };
}

function atomEntry(entry: Record<string, any>, source: string): FeedItem {
  const links = asArray(entry.link) as Record<string, any>[];
  const alternate = links.find((link) => !link['@_rel'] || link['@_rel'] === 'alternate') ?? links[0];
  const link = (alternate?.['@_href'] as string | undefined) || undefined;
  const id = textOf(entry.id) || undefined;
  const title = htmlToText(textOf(entry.title));
  const text = htmlToText(textOf(entry.content) || textOf(entry.summary));
  const published = isoDate(textOf(entry.published) || textOf(entry.updated));
  return { source, key: id ?? link ?? contentKey(title, text), title, link, published, text };
}

/** Key for an item without guid or link: its content, so an edited item counts as new. */
export function contentKey(...parts: string[]): string {
  return `sha256:${createHash('sha256').update(parts.join('\u0000')).digest('hex')}`;
}

function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node.trim();
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === 'object') return textOf((node as Record<string, unknown>)['#text']);
  return '';
}

function isoDate(value: string): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function asArray(value: unknown): any[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function first(value: unknown): any {
  return Array.isArray(value) ? value[0] : value;
}
