/**
 * Tests many large regular expressions against one text at once, with exactly the answers of
 * testing each in turn, in a fraction of the time.
 *
 * A cue or concept pattern is an alternation of hundreds of words and phrases, most of them
 * behind a `\b`. Tested whole, the engine tries every alternative at every position of the text.
 * Here each pattern is split into its alternatives (regex-alternatives.ts), and an alternative
 * whose matches can only start at a word start is filed under the first characters they can
 * start with. A text is walked once: at each word start, down the filed keys its next characters
 * spell, and only the alternatives filed there are tried, anchored (sticky) at that word start.
 * The other alternatives (`\w+ing`, `^...`, `->`) are tested over the whole text, as before, but
 * only when the text holds one of the literals every match of them must contain.
 *
 * Why the answers are the same: `test` of an alternation is true exactly when one alternative
 * matches somewhere; an alternative filed under keys can only match at a word start that spells
 * one of them, and one tested over the whole text only in a text holding one of its literals.
 *
 * Working out keys and literals takes a few hundred milliseconds, so `indexPatterns` gives them
 * as plain data that can be worked out once and kept; `createPatternSet` builds the tables
 * from it.
 */
import { createHash } from 'node:crypto';
import { IntegerTable } from './integer-table.ts';
import { TextProbe, probeString, type ProbeString } from './text-probe.ts';
import {
  LITERAL_ENDINGS,
  alternativesOf,
  isAsciiWordCode,
  joinAlternatives,
  literalForm,
  requiredLiterals,
  sourceOf,
  wordStartKeys,
  type LiteralEnding,
  type Term,
} from './regex-alternatives.ts';

/** Flags in `into`: 1 where the pattern at the same index matches `text`, else 0. */
export interface PatternSet {
  testAll(text: string, into: Uint8Array): void;
}

/** How to test a list of patterns quickly; plain data, kept in the shipped model as JSON. */
export interface PatternIndex {
  /** Fingerprint of the patterns it was made from (`patternsFingerprint`). */
  patterns: string;
  /**
   * Tested over the whole text: [pattern index, source, requirements or null]. The source is
   * only tried when, for one of the requirements, the text holds a string of each of its choices
   * (searched lower-cased for an `i` pattern); null: always tried.
   */
  wholeText: [number, string, string[][][] | null][];
  /** Matching where a word starts with `word` (lower-cased for an `i` pattern) and the ending holds: [word, pattern index, ending]. */
  words: [string, number, LiteralEnding][];
  /** Tried at a word start spelling `key` (lower-cased for an `i` pattern), requirements as for wholeText: [key, pattern index, source, requirements or null]. */
  wordStarts: [string, number, string, string[][][] | null][];
}

/**
 * A pattern of fewer alternatives than this is tested whole: the engine is as quick on it, and
 * a pattern that reads case (upper-case SQL keywords) then needs no walk of its own.
 */
const FEWEST_ALTERNATIVES_TO_SPLIT = 10;
/** Strings looked for, over all alternatives, beyond which a pattern is tested straight away. */
const MOST_STRINGS_CHECKED = 16;
/** Bumped whenever the index changes meaning, so that an old one is not taken for current. */
const INDEX_FORMAT = 1;

/** SHA-256 of the patterns' sources and flags, in order, and of the index format. */
export function patternsFingerprint(patterns: readonly RegExp[]): string {
  const hash = createHash('sha256').update(`pattern-index ${INDEX_FORMAT}\n`);
  for (const pattern of patterns) hash.update(`/${pattern.source}/${pattern.flags}\n`);
  return hash.digest('hex');
}

/**
 * Works out how to test `patterns` quickly. Throws on a pattern with the `g` flag or with both
 * `u` and `i` (whose `\w` reaches beyond ASCII), which the tables cannot serve.
 */
export function indexPatterns(patterns: readonly RegExp[]): PatternIndex {
  const index: PatternIndex = { patterns: patternsFingerprint(patterns), wholeText: [], words: [], wordStarts: [] };
  patterns.forEach((pattern, patternIndex) => {
    if (pattern.global || (pattern.unicode && pattern.ignoreCase)) {
      throw new Error(`indexPatterns cannot serve /${pattern.source.slice(0, 40)}.../${pattern.flags}`);
    }
    const alternatives = alternativesOf(pattern);
    if (alternatives === undefined || alternatives.length < FEWEST_ALTERNATIVES_TO_SPLIT) {
      index.wholeText.push([patternIndex, pattern.source, alternatives === undefined ? null : requirementsOf(alternatives, pattern.ignoreCase)]);
      return;
    }
    const rest: Term[][] = [];
    const byKey = new Map<string, Term[][]>();
    const words = new Set<string>();
    for (const alternative of alternatives) {
      const form = literalForm(alternative, pattern.ignoreCase);
      if (form !== undefined) {
        for (const word of form.literals) {
          if (words.has(`${word} ${form.ending}`)) continue;
          words.add(`${word} ${form.ending}`);
          index.words.push([word, patternIndex, form.ending]);
        }
        continue;
      }
      const keys = wordStartKeys(alternative, pattern.ignoreCase);
      if (keys === undefined) rest.push(alternative);
      else for (const key of keys) byKey.set(key, [...(byKey.get(key) ?? []), alternative]);
    }
    if (rest.length > 0) index.wholeText.push([patternIndex, joinByFirstTerm(rest), requirementsOf(rest, pattern.ignoreCase)]);
    for (const [key, filed] of byKey) index.wordStarts.push([key, patternIndex, joinAlternatives(filed), requirementsOf(filed, pattern.ignoreCase)]);
  });
  return index;
}

/**
 * For each of `alternatives`, the rarest-looking choice of strings that any match of it contains
 * one of, and the next one too while the strings stay within MOST_STRINGS_CHECKED. Null when one
 * alternative has no such choice or the first choices alone are more strings than that: testing
 * the pattern is then cheaper.
 */
function requirementsOf(alternatives: Term[][], ignoreCase: boolean): string[][][] | null {
  const choices = alternatives.map((alternative) => requiredLiterals(alternative, ignoreCase));
  if (choices.some((ofOne) => ofOne.length === 0)) return null;
  const requirements = choices.map((ofOne) => [ofOne[0]]);
  let strings = requirements.reduce((total, [first]) => total + first.length, 0);
  if (strings > MOST_STRINGS_CHECKED) return null;
  choices.forEach((ofOne, index) => {
    if (ofOne.length > 1 && strings + ofOne[1].length <= MOST_STRINGS_CHECKED) {
      requirements[index].push(ofOne[1]);
      strings += ofOne[1].length;
    }
  });
  return requirements;
}

/** One source for `alternatives`, those that open alike (`^`, `\b`, ...) written together. */
function joinByFirstTerm(alternatives: Term[][]): string {
  const byFirst = new Map<string, Term[][]>();
  for (const alternative of alternatives) {
    const first = alternative[0]?.raw ?? '';
    byFirst.set(first, [...(byFirst.get(first) ?? []), alternative]);
  }
  return [...byFirst.values()].map(joinAlternatives).join('|');
}

/**
 * The tables for `patterns` from `index` (default: worked out now, which is slow). Throws when
 * `index` was made from other patterns.
 */
export function createPatternSet(patterns: readonly RegExp[], index: PatternIndex = indexPatterns(patterns)): PatternSet {
  if (index.patterns !== patternsFingerprint(patterns)) throw new Error('createPatternSet: the index was made from other patterns');
  const probes = [new TextProbe(false), new TextProbe(true)];
  const probeOf = (pattern: number): TextProbe => probes[patterns[pattern].ignoreCase ? 1 : 0];
  const wholeText = index.wholeText.map(([pattern, source, requirements]) => ({
    pattern,
    regex: new RegExp(source, patterns[pattern].flags),
    requirements: compileRequirements(requirements),
    probe: probeOf(pattern),
  }));
  const caseless = new WordStartTable(true);
  const exact = new WordStartTable(false);
  for (const [word, pattern, ending] of index.words) {
    (patterns[pattern].ignoreCase ? caseless : exact).addWord(word, pattern, ending, patterns[pattern].unicode);
  }
  for (const [key, pattern, source, requirements] of index.wordStarts) {
    const filed = { pattern, source, flags: `${patterns[pattern].flags}y`, regex: undefined, requirements: compileRequirements(requirements), probe: probeOf(pattern) };
    (patterns[pattern].ignoreCase ? caseless : exact).add(key, filed);
  }
  caseless.seal();
  exact.seal();

  return {
    testAll(text, into) {
      into.fill(0);
      for (const probe of probes) probe.load(text);
      for (let entryIndex = 0; entryIndex < wholeText.length; entryIndex++) {
        const { pattern, regex, requirements, probe } = wholeText[entryIndex];
        if (requirements !== null && !meetsOne(probe, requirements)) continue;
        if (regex.test(text)) into[pattern] = 1;
      }
      if (caseless.size > 0) caseless.run(text, into);
      if (exact.size > 0) exact.run(text, into);
    },
  };
}

function compileRequirements(requirements: string[][][] | null): ProbeString[][][] | null {
  return requirements === null ? null : requirements.map((choices) => choices.map((strings) => strings.map(probeString)));
}

/** True when, for one of `requirements`, the probed text holds a string of each of its choices. */
function meetsOne(probe: TextProbe, requirements: ProbeString[][][]): boolean {
  for (let requirement = 0; requirement < requirements.length; requirement++) {
    const choices = requirements[requirement];
    let met = true;
    for (let choice = 0; choice < choices.length && met; choice++) {
      const strings = choices[choice];
      met = false;
      for (let index = 0; index < strings.length && !met; index++) met = probe.holds(strings[index]);
    }
    if (met) return true;
  }
  return false;
}

interface Filed {
  pattern: number;
  source: string;
  flags: string;
  /** Made at the first word start that reaches it. */
  regex: RegExp | undefined;
  /** Tried only when the probed text meets one of these. */
  requirements: ProbeString[][][] | null;
  probe: TextProbe;
}

interface Word {
  pattern: number;
  /** Index in LITERAL_ENDINGS. */
  ending: number;
  lastIsWord: boolean;
  unicode: boolean;
}

const ENDING_NONE = 0;
const ENDING_BOUNDARY = 1;
const ENDING_WORD_END = 2;
const ENDING_STEM = 3;
const ENDING_STEM_BOUNDARY = 4;
const ENDING_STEM_WORD_END = 5;

/**
 * Alternatives filed by the first characters of their matches, as a trie: a text is walked down
 * it from each word start; each word ending at a node passed is checked there, and each
 * alternative filed there is tried, anchored at the word start. Filled by `add` and `addWord`,
 * then laid out by `seal` in flat arrays, a node's children side by side, so that a walk reads
 * few cache lines.
 */
class WordStartTable {
  /** While filling: child node by parent node * 128 + character code. */
  private readonly children = new IntegerTable(1024);
  private readonly edges: number[] = [];
  /** Node one character down from the root, by the character's code; 0 for none. */
  private readonly firstStep = new Int32Array(128);
  /** Node n's children are edges edgeStart[n] to edgeStart[n + 1] - 1: a character code and a node. */
  private edgeStart = new Int32Array(1);
  private edgeCode = new Uint8Array(0);
  private edgeNode = new Int32Array(0);
  /** Per node: 1 when words end there, 2 when alternatives are filed there (or both). */
  private holds: number[] = [0];
  private filed: (Filed[] | undefined)[] = [undefined];
  private words: (Word[] | undefined)[] = [undefined];
  size = 0;

  constructor(private readonly lowerCase: boolean) {}

  add(key: string, filed: Filed): void {
    const node = this.nodeOf(key);
    (this.filed[node] ??= []).push(filed);
    this.holds[node] |= 2;
  }

  addWord(word: string, pattern: number, ending: LiteralEnding, unicode: boolean): void {
    const node = this.nodeOf(word);
    const lastIsWord = isAsciiWordCode(word.charCodeAt(word.length - 1));
    (this.words[node] ??= []).push({ pattern, ending: LITERAL_ENDINGS.indexOf(ending), lastIsWord, unicode });
    this.holds[node] |= 1;
  }

  private nodeOf(key: string): number {
    let node = 0;
    for (let index = 0; index < key.length; index++) {
      const code = key.charCodeAt(index);
      let child = this.children.get(node * 128 + code);
      if (child === -1) {
        child = this.holds.length;
        this.holds.push(0);
        this.filed.push(undefined);
        this.words.push(undefined);
        this.children.set(node * 128 + code, child);
        this.edges.push(node, code, child);
        if (node === 0) this.firstStep[code] = child;
      }
      node = child;
    }
    this.size++;
    return node;
  }

  /** Lays the children out side by side; nothing can be added after. */
  seal(): void {
    const nodeCount = this.holds.length;
    const edgeCount = this.edges.length / 3;
    const start = new Int32Array(nodeCount + 1);
    for (let edge = 0; edge < edgeCount; edge++) start[this.edges[edge * 3] + 1]++;
    for (let node = 0; node < nodeCount; node++) start[node + 1] += start[node];
    const next = start.slice(0, nodeCount);
    this.edgeCode = new Uint8Array(edgeCount);
    this.edgeNode = new Int32Array(edgeCount);
    for (let edge = 0; edge < edgeCount; edge++) {
      const slot = next[this.edges[edge * 3]]++;
      this.edgeCode[slot] = this.edges[edge * 3 + 1];
      this.edgeNode[slot] = this.edges[edge * 3 + 2];
    }
    this.edgeStart = start;
    this.edges.length = 0;
  }

  run(text: string, into: Uint8Array): void {
    const { firstStep, edgeStart, edgeCode, edgeNode, holds, filed, words, lowerCase } = this;
    const length = text.length;
    let previousIsWord = false;
    for (let start = 0; start < length; start++) {
      const isWord = isAsciiWordCode(text.charCodeAt(start));
      const wordStart = isWord && !previousIsWord;
      previousIsWord = isWord;
      if (!wordStart) continue;
      let node = 0;
      for (let position = start; position < length; position++) {
        let code = text.charCodeAt(position);
        if (code >= 128) break;
        if (lowerCase && code >= 65 && code <= 90) code += 32;
        if (node === 0) node = firstStep[code];
        else {
          let next = 0;
          for (let edge = edgeStart[node], end = edgeStart[node + 1]; edge < end; edge++) {
            if (edgeCode[edge] === code) {
              next = edgeNode[edge];
              break;
            }
          }
          node = next;
        }
        if (node === 0) break;
        const has = holds[node];
        if (has === 0) continue;
        if ((has & 1) !== 0) {
          const ending = words[node] as Word[];
          for (let index = 0; index < ending.length; index++) {
            const word = ending[index];
            if (into[word.pattern] === 0 && endingHolds(text, position + 1, word)) into[word.pattern] = 1;
          }
        }
        if ((has & 2) !== 0) {
          const here = filed[node] as Filed[];
          for (let index = 0; index < here.length; index++) {
            const entry = here[index];
            if (into[entry.pattern] === 1) continue;
            if (entry.requirements !== null && !meetsOne(entry.probe, entry.requirements)) continue;
            const regex = (entry.regex ??= new RegExp(entry.source, entry.flags));
            regex.lastIndex = start;
            if (regex.test(text)) into[entry.pattern] = 1;
          }
        }
      }
    }
  }
}

/** Whether `word`'s ending holds in `text` right after the word, which ends before `end`. */
function endingHolds(text: string, end: number, word: Word): boolean {
  const length = text.length;
  const nextIsWord = end < length && isAsciiWordCode(text.charCodeAt(end));
  switch (word.ending) {
    case ENDING_NONE:
    case ENDING_STEM:
      return true;
    case ENDING_BOUNDARY:
      return word.lastIsWord !== nextIsWord;
    case ENDING_STEM_BOUNDARY:
      // `\w*` takes the rest of the word, after which a boundary always stands; after a
      // literal that ends in a non-word character, only a word character can start one.
      return word.lastIsWord || nextIsWord;
    case ENDING_WORD_END:
      return !nextIsWord && !isLetterBeyondAscii(text, end, word.unicode);
    case ENDING_STEM_WORD_END: {
      let after = end;
      while (after < length && isAsciiWordCode(text.charCodeAt(after))) after++;
      return !isLetterBeyondAscii(text, after, word.unicode);
    }
    default:
      throw new Error(`unknown ending ${word.ending}`);
  }
}

/**
 * Whether `[\u00c0-\uffff]` matches at `position`: one code unit from U+00C0 up; under the `u`
 * flag one code point, so a surrogate pair (beyond U+FFFF) does not match.
 */
function isLetterBeyondAscii(text: string, position: number, unicode: boolean): boolean {
  if (position >= text.length) return false;
  const code = text.charCodeAt(position);
  if (code < 0xc0) return false;
  if (!unicode || code < 0xd800 || code > 0xdbff || position + 1 >= text.length) return true;
  const next = text.charCodeAt(position + 1);
  return next < 0xdc00 || next > 0xdfff;
}
