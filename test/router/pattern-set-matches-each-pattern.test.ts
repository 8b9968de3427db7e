/**
 * The pattern set (agent/router/pattern-set.ts) answers exactly as testing each pattern in turn:
 * on the shipped cues and concepts over every routing text and variants of them made to fall
 * on the edges (case, accents, letters beyond ASCII, astral characters, cut words), and on small
 * patterns written to use each piece of syntax it reads, over random texts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { CUES } from '../../agent/router/english-cues.ts';
import { CONCEPTS, foldText } from '../../agent/router/multilingual-cues.ts';
import { loadTaskSet } from '../../agent/router/classifier.ts';
import { createPatternSet, indexPatterns } from '../../agent/router/pattern-set.ts';
import { TextProbe } from '../../agent/router/text-probe.ts';

const DATA = new URL('../../agent/router/data/', import.meta.url);

function routingTexts(): string[] {
  return ['training', 'development', 'heldout'].flatMap((folder) =>
    readdirSync(new URL(`${folder}/`, DATA))
      .filter((name) => name.endsWith('.jsonl'))
      .flatMap((name) => loadTaskSet(new URL(`${folder}/${name}`, DATA)).map((task) => task.text)),
  );
}

/** A small deterministic generator, so that a failure names a text that can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Variants of `text` that sit on the edges the pattern set reasons about. */
function variants(text: string, random: () => number): string[] {
  const cut = Math.floor(random() * text.length);
  const oddCharacters = ['é', 'É', 'ß', 'İ', 'K', '’', '→', '\u00a0', '😀', '\ud800', '_', '-', "'", '"', '“'];
  const odd = oddCharacters[Math.floor(random() * oddCharacters.length)];
  return [
    text.toUpperCase(),
    text.slice(cut),
    text.slice(0, cut),
    `${text.slice(0, cut)}${odd}${text.slice(cut)}`,
    text.replace(/ /g, odd),
    text.replace(/e/g, 'é'),
  ];
}

function assertSameAnswers(patterns: readonly RegExp[], names: readonly string[], texts: Iterable<string>): void {
  const set = createPatternSet(patterns, JSON.parse(JSON.stringify(indexPatterns(patterns))));
  const flags = new Uint8Array(patterns.length);
  for (const text of texts) {
    set.testAll(text, flags);
    patterns.forEach((pattern, index) => {
      const expected = pattern.test(text) ? 1 : 0;
      if (flags[index] !== expected) assert.fail(`${names[index]} on ${JSON.stringify(text)}: pattern set says ${flags[index]}, the pattern ${expected}`);
    });
  }
}

test('the English cues: the same answer as each cue on every routing text and its edge variants', () => {
  const random = seededRandom(17);
  const texts = routingTexts().flatMap((text) => [text, ...variants(text, random)]);
  assertSameAnswers(
    CUES.map((cue) => cue.pattern),
    CUES.map((cue) => cue.name),
    texts,
  );
});

test('the multilingual concepts: the same answer as each concept on every folded routing text and its edge variants', () => {
  const random = seededRandom(18);
  const texts = routingTexts().flatMap((text) => [text, ...variants(text, random)].map(foldText));
  assertSameAnswers(
    CONCEPTS.map((concept) => concept.pattern),
    CONCEPTS.map((concept) => concept.name),
    texts,
  );
});

test('each piece of syntax the pattern set reads: the same answer over random texts', () => {
  const words = (...alternatives: string[]): RegExp => new RegExp(`\\b(?:${alternatives.join('|')})(?![\\w\\u00c0-\\uffff])`);
  const patterns: RegExp[] = [
    words('ab', 'abc\\w*', 'b[ac]d?', 'c(?:a|ab)?', 'd{2}', 'e\\d', 'ba c', 'ca-b', "a'b", 'a\\.b', 'ab\\w*c', '\\w*bd', 'dd?e{1,2}'),
    new RegExp(`${words('ab', 'cab\\w*', 'ad', 'bb', 'bc', 'cd', 'ca', 'dab', 'eb', 'ec').source}`, 'u'),
    /\b(?:ab|ba|cab|bad|dab|abc\w*|ac\w*\b|b\b|a-|e\.|e-\w*|c['’]d|ad(?=b)|ab(?!c)|(?<!c )da|(?<=a )ba|de\s+ab|ea\s*\?)\b|→|->|\?\s*$/i,
    /\b(?:AB|Ba|CAB|bA\w*|d[Ee]|é?ab|a?b?c|ab{1,3}c|(?:a|b)(?:c|d)e|a[^b]c|a.b)\b|^(?:ab|e)\b|"[^"]{1,5}"/,
    /\b(?:ab|bc|cd|de|ea|abc|bcd|cde|dea|eab)(?:\s+(?!ab\b)\w+){0,2}\s*(?:\?|!)|\b(?:a|b)\b[^.?!]{0,6}\b(?:c|d)\b|[{(;][^{}]{0,8}\b(?:ab|cd)\b[^{}]{0,8}[;})]/,
    /\b(?:ab\b|ba|cab|bad|dab|abc|bcd|cde|dea|eab|a b|b c)|\b\w+(?:ab|cd)\b|\b[\w-]+\.(?:ab|cd)\b/i,
  ];
  const alphabet = ['a', 'b', 'c', 'd', 'e', 'A', 'B', 'E', ' ', ' ', ' ', '.', '?', '!', '-', "'", '’', '"', '(', ')', ';', '{', '}', '_', '1', 'é', 'É', 'İ', '→', '>', '\u00a0', '😀', '\ud800'];
  const random = seededRandom(19);
  const texts: string[] = [];
  for (let count = 0; count < 20_000; count++) {
    const length = 1 + Math.floor(random() * 14);
    let text = '';
    for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
    texts.push(text);
  }
  assertSameAnswers(
    patterns,
    patterns.map((pattern) => `/${pattern.source}/${pattern.flags}`),
    texts,
  );
});

test('an index made from other patterns is refused', () => {
  const index = indexPatterns([/\bab\b/]);
  assert.throws(() => createPatternSet([/\bac\b/], index), /other patterns/);
});

test('the text probe answers like searching the text, past its 65,536th text', () => {
  const texts = ['ab', 'b', 'é', 'aé', 'ba c', 'A', 'zz'];
  const probe = new TextProbe();
  const requirements = [
    ...texts.map((text) => ({ offset: probe.add([[[text]]], false), text, lowerCase: false })),
    ...texts.filter((text) => text === text.toLowerCase()).map((text) => ({ offset: probe.add([[[text]]], true), text, lowerCase: true })),
  ];
  // One of two requirements, each of two choices: [ab or zz] and [b], or [é].
  const combined = probe.add([[['ab', 'zz'], ['b']], [['é']]], false);
  const random = seededRandom(20);
  const alphabet = ['a', 'b', 'c', 'A', 'B', 'é', 'É', ' ', 'z', 'Z'];
  for (let count = 0; count < 70_000; count++) {
    let text = '';
    for (let index = Math.floor(random() * 6); index > 0; index--) text += alphabet[Math.floor(random() * alphabet.length)];
    probe.load(text);
    for (const requirement of requirements) {
      const haystack = requirement.lowerCase ? text.toLowerCase() : text;
      if (probe.meets(requirement.offset) !== haystack.includes(requirement.text)) {
        assert.fail(`${JSON.stringify(requirement.text)} (lower-cased: ${requirement.lowerCase}) in ${JSON.stringify(text)}`);
      }
    }
    const expected = ((text.includes('ab') || text.includes('zz')) && text.includes('b')) || text.includes('é');
    if (probe.meets(combined) !== expected) assert.fail(`the combined requirement in ${JSON.stringify(text)}`);
  }
});
