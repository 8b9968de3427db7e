/**
 * The stable prompt prefix: system prompt, SOUL.md, USER.md, MEMORY.md and the tool list,
 * laid out identically on every call of a job so that providers can cache it. Nothing that
 * changes between calls (a timestamp, a run id, today's note, retrieved facts) belongs here:
 * it goes in the messages after the prefix.
 */
import { createHash } from 'node:crypto';
import type { ChatRequest, Message, ToolDefinition } from '../contracts/types.ts';

export interface PromptPrefixInput {
  systemPrompt: string;
  /** Texts of SOUL.md, USER.md and MEMORY.md as read at the start of the job. */
  soul: string;
  user: string;
  memory: string;
  tools?: ToolDefinition[];
}

export interface PromptPrefix {
  /** The leading messages; byte-identical for identical input. */
  messages: Message[];
  /** Value for `ChatRequest.cachePrefixMessages`. */
  cachePrefixMessages: number;
  /** The tools sorted by name with object keys in a fixed order, to send on every call. */
  tools: ToolDefinition[];
  /** sha256 of the messages and tools: equal fingerprints mean equal prefix bytes. */
  fingerprint: string;
}

/**
 * Builds the prefix. One system message, so that providers with a single system slot
 * (Anthropic) and those with many (OpenAI) cache the same bytes. Line endings are
 * normalised and trailing whitespace trimmed, so an editor's save does not bust the cache.
 */
export function buildPromptPrefix(input: PromptPrefixInput): PromptPrefix {
  const tools = [...(input.tools ?? [])]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((tool) => canonical(tool) as ToolDefinition);
  const sections = [
    normalise(input.systemPrompt),
    section('soul', 'SOUL.md: who you are', input.soul),
    section('user', 'USER.md: who the user is', input.user),
    section('memory', 'MEMORY.md: what is true now', input.memory),
  ];
  if (tools.length > 0) {
    sections.push(`Tools you may call: ${tools.map((tool) => tool.name).join(', ')}.`);
  }
  const messages: Message[] = [{ role: 'system', content: sections.join('\n\n') }];
  const fingerprint = createHash('sha256').update(JSON.stringify({ messages, tools })).digest('hex');
  return { messages, cachePrefixMessages: messages.length, tools, fingerprint };
}

/**
 * A request whose messages are the prefix followed by `messages` (the volatile part: the
 * task, the date, retrieved facts, the conversation so far).
 */
export function withPromptPrefix(
  prefix: PromptPrefix,
  messages: Message[],
  rest: Omit<ChatRequest, 'messages' | 'tools' | 'cachePrefixMessages'> = {},
): ChatRequest {
  return {
    ...rest,
    messages: [...prefix.messages, ...messages],
    ...(prefix.tools.length > 0 ? { tools: prefix.tools } : {}),
    cachePrefixMessages: prefix.cachePrefixMessages,
  };
}

function section(tag: string, title: string, text: string): string {
  return `<${tag} title="${title}">\n${normalise(text)}\n</${tag}>`;
}

function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/** A deep copy with object keys sorted, so JSON.stringify gives the same bytes every time. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
