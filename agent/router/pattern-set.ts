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
import { TextProbe } from './text-probe.ts';
import {
  LITERAL_ENDINGS,
  alternativesOf,
  isAsciiWordCode,
  joinAlternatives,
  literalForm,
  requiredLiterals,
  sourceOf,
  wordStartKeys,
  type Term,
} from './regex-alternatives.ts';

/** Flags in `into`: 1 where the pattern at the same index matches `text`, else 0. */
export interface PatternSet {
  testAll(text: string, into: Uint8Array): void;
}

/** How to test a list of patterns quickly; plain data, kept as JSON (cue-pattern-sets.ts). */
export interface PatternIndex {
  /** Fingerprint of the patterns it was made from (`patternsFingerprint`). */
  patterns: string;
  /**
   * Tested over the whole text: [pattern index, source, requirements or null]. The source is
   * only tried when, for one of the requirements, the text holds a string of each of its choices
   * (searched lower-cased for an `i` pattern); null: always tried.
   */
  wholeText: [number, string, string[][][] | null][];
  /** Where matches start at a word: for the `i` patterns (keys lower-cased), then for the others. */
  tries: [TrieIndex, TrieIndex];
}

/**
 * A trie of the first characters of matches, with chains of nodes that hold nothing and branch
 * nowhere folded into their edges (an edge takes one character or more), numbered breadth-first
 * from the root (node 0), so that edge e leads to node e + 1 and a node's edges are consecutive.
 */
export interface TrieIndex {
  /** Per node, the number of its edges, as a character code less EDGE_COUNT_OFFSET. */
  edgeCounts: string;
  /** Per edge, the first character it takes. */
  edgeCharacters: string;
  /** Per edge, how many more characters it takes, as a character code less EDGE_COUNT_OFFSET. */
  edgeRestLengths: string;
  /** Those characters, edge after edge. */
  edgeRests: string;
  /** Words, by node: [node, pattern index, ending], ending the LITERAL_ENDINGS index, + 8 when the word's last character is a word character. */
  words: [number, number, number][];
  /** Alternatives tried at a word start that reaches the node: [node, pattern index, source, requirements as for wholeText]. */
  filed: [number, number, string, string[][][] | null][];
}

/**
 * A pattern of fewer alternatives than this is tested whole: the engine is as quick on it, and
 * a pattern that reads case (upper-case SQL keywords) then needs no walk of its own.
 */
const FEWEST_ALTERNATIVES_TO_SPLIT = 10;
/** Strings looked for, over all alternatives, beyond which a pattern is tested straight away. */
const MOST_STRINGS_CHECKED = 16;
/** Added to an edge count written as a character, so that most counts are printable. */
const EDGE_COUNT_OFFSET = 32;
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
  const wholeText: PatternIndex['wholeText'] = [];
  const tries = [new TrieBuilder(), new TrieBuilder()];
  patterns.forEach((pattern, patternIndex) => {
    if (pattern.global || (pattern.unicode && pattern.ignoreCase)) {
      throw new Error(`indexPatterns cannot serve /${pattern.source.slice(0, 40)}.../${pattern.flags}`);
    }
    const alternatives = alternativesOf(pattern);
    if (alternatives === undefined || alternatives.length < FEWEST_ALTERNATIVES_TO_SPLIT) {
      wholeText.push([patternIndex, pattern.source, alternatives === undefined ? null : requirementsOf(alternatives, pattern.ignoreCase)]);
      return;
    }
    const trie = tries[pattern.ignoreCase ? 0 : 1];
    const rest: Term[][] = [];
    const byKey = new Map<string, Term[][]>();
    for (const alternative of alternatives) {
      const form = literalForm(alternative, pattern.ignoreCase);
      if (form !== undefined) {
        const lastIsWord = (word: string): boolean => isAsciiWordCode(word.charCodeAt(word.length - 1));
        for (const word of form.literals) trie.addWord(word, patternIndex, LITERAL_ENDINGS.indexOf(form.ending) + (lastIsWord(word) ? 8 : 0));
        continue;
      }
      const keys = wordStartKeys(alternative, pattern.ignoreCase);
      if (keys === undefined) rest.push(alternative);
      else for (const key of keys) byKey.set(key, [...(byKey.get(key) ?? []), alternative]);
    }
    if (rest.length > 0) wholeText.push([patternIndex, joinByFirstTerm(rest), requirementsOf(rest, pattern.ignoreCase)]);
    for (const [key, filed] of byKey) {
      // Those that need strings of the text apart from those that do not, so that one of the
      // latter does not make the former tried at every word start under the key.
      const needing = filed.filter((alternative) => requirementsOf([alternative], pattern.ignoreCase) !== null);
      const others = filed.filter((alternative) => !needing.includes(alternative));
      for (const group of [needing, others]) {
        if (group.length > 0) trie.addFiled(key, patternIndex, joinAlternatives(group), requirementsOf(group, pattern.ignoreCase));
      }
    }
  });
  return { patterns: patternsFingerprint(patterns), wholeText, tries: [tries[0].build(), tries[1].build()] };
}

/** Collects keys with what is filed under them, then numbers the trie breadth-first. */
class TrieBuilder {
  private readonly words = new Map<string, [number, number][]>();
  private readonly filed = new Map<string, [number, string, string[][][] | null][]>();

  addWord(word: string, pattern: number, ending: number): void {
    const here = this.words.get(word) ?? [];
    if (!here.some(([other, otherEnding]) => other === pattern && otherEnding === ending)) here.push([pattern, ending]);
    this.words.set(word, here);
  }

  addFiled(key: string, pattern: number, source: string, requirements: string[][][] | null): void {
    this.filed.set(key, [...(this.filed.get(key) ?? []), [pattern, source, requirements]]);
  }

  build(): TrieIndex {
    const keys = [...new Set([...this.words.keys(), ...this.filed.keys()])];
    const prefixes = new Set<string>(['']);
    for (const key of keys) for (let length = 1; length <= key.length; length++) prefixes.add(key.slice(0, length));
    const childCount = new Map<string, number>();
    for (const prefix of prefixes) if (prefix !== '') childCount.set(prefix.slice(0, -1), (childCount.get(prefix.slice(0, -1)) ?? 0) + 1);
    // A node is kept when it is the root, holds something or branches; the others are folded.
    const holds = (prefix: string): boolean => this.words.has(prefix) || this.filed.has(prefix);
    const kept = [...prefixes].filter((prefix) => prefix === '' || holds(prefix) || (childCount.get(prefix) ?? 0) !== 1);
    const keptSet = new Set(kept);
    const parentOf = (prefix: string): string => {
      let parent = prefix.slice(0, -1);
      while (!keptSet.has(parent)) parent = parent.slice(0, -1);
      return parent;
    };
    // Breadth-first: by depth among kept nodes, then by the parent's number, then by character.
    kept.sort((first, second) => first.length - second.length);
    const depth = new Map<string, number>([['', 0]]);
    for (const prefix of kept) if (prefix !== '') depth.set(prefix, (depth.get(parentOf(prefix)) as number) + 1);
    const byDepth: string[][] = [];
    for (const prefix of kept) (byDepth[depth.get(prefix) as number] ??= []).push(prefix);
    const number = new Map<string, number>();
    const nodes: string[] = [];
    for (const level of byDepth) {
      level.sort((first, second) => {
        const parents = (number.get(parentOf(first)) ?? 0) - (number.get(parentOf(second)) ?? 0);
        const firstParent = parentOf(first).length;
        const secondParent = parentOf(second).length;
        return parents !== 0 ? parents : first.charCodeAt(firstParent) - second.charCodeAt(secondParent);
      });
      for (const prefix of level) {
        number.set(prefix, nodes.length);
        nodes.push(prefix);
      }
    }
    const edgeCounts = new Array<number>(nodes.length).fill(0);
    for (const prefix of nodes) if (prefix !== '') edgeCounts[number.get(parentOf(prefix)) as number]++;
    const labels = nodes.slice(1).map((prefix) => prefix.slice(parentOf(prefix).length));
    const index: TrieIndex = {
      edgeCounts: edgeCounts.map((count) => String.fromCharCode(EDGE_COUNT_OFFSET + count)).join(''),
      edgeCharacters: labels.map((label) => label[0]).join(''),
      edgeRestLengths: labels.map((label) => String.fromCharCode(EDGE_COUNT_OFFSET + label.length - 1)).join(''),
      edgeRests: labels.map((label) => label.slice(1)).join(''),
      words: [],
      filed: [],
    };
    for (const prefix of nodes) {
      for (const [pattern, ending] of this.words.get(prefix) ?? []) index.words.push([number.get(prefix) as number, pattern, ending]);
      for (const [pattern, source, requirements] of this.filed.get(prefix) ?? []) index.filed.push([number.get(prefix) as number, pattern, source, requirements]);
    }
    return index;
  }
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
  const probe = new TextProbe();
  const wholeText = index.wholeText.map(([pattern, source, requirements]) => ({
    pattern,
    regex: new RegExp(source, patterns[pattern].flags),
    requirement: requirements === null ? -1 : probe.add(requirements, patterns[pattern].ignoreCase),
  }));
  const [caseless, exact] = index.tries.map((trie, which) => (trie.edgeCharacters === '' ? undefined : new WordStartTable(trie, patterns, probe, which === 0)));

  return {
    testAll(text, into) {
      into.fill(0);
      probe.load(text);
      for (let entryIndex = 0; entryIndex < wholeText.length; entryIndex++) {
        const { pattern, regex, requirement } = wholeText[entryIndex];
        if (requirement >= 0 && !probe.meets(requirement)) continue;
        if (regex.test(text)) into[pattern] = 1;
      }
      caseless?.run(text, into);
      exact?.run(text, into);
    },
  };
}

/** An alternative filed at a node; made ready at the first walk that reaches it. */
interface Filed {
  pattern: number;
  source: string;
  requirements: string[][][] | null;
  /** Offset of its requirement in the probe, -1 for none; undefined until ready. */
  requirement: number | undefined;
  regex: RegExp | undefined;
}

const ENDING_NONE = 0;
const ENDING_BOUNDARY = 1;
const ENDING_WORD_END = 2;
const ENDING_STEM = 3;
const ENDING_STEM_BOUNDARY = 4;
const ENDING_STEM_WORD_END = 5;
const LAST_IS_WORD = 8;
/** Int32 slots per node in WordStartTable `nodes`. */
const NODE_STRIDE = 4;

/**
 * A TrieIndex ready to walk: a text is walked down it from each word start; each word ending at
 * a node passed is checked there, and each alternative filed there is tried, anchored at the word
 * start. All in typed arrays, so that a walk, which mostly stays near the root, reads few cache
 * lines.
 */
class WordStartTable {
  /** Node one character down from the root, by the character's code; 0 for none. */
  private readonly firstStep = new Int32Array(128);
  /**
   * Per node n, at n * 4: its first edge, first word and first filed alternative; node n + 1's
   * follow, so their ends are at n * 4 + 4 to n * 4 + 6: a node is read in one cache line or
   * two. 16-bit while every count fits, so that the tables stay in a core's own cache.
   * Edge e takes edgeCode[e], then restCode[restStart[e]] to restCode[restStart[e + 1] - 1], to
   * node e + 1.
   */
  private readonly nodes: Uint16Array | Int32Array;
  private readonly edgeCode: Uint8Array;
  private readonly restStart: Uint16Array | Int32Array;
  private readonly restCode: Uint8Array;
  private readonly wordPattern: Int32Array;
  private readonly wordEnding: Uint8Array;
  /** Per pattern: 1 when it has the `u` flag. */
  private readonly unicode: Uint8Array;
  private readonly filed: Filed[];

  constructor(
    trie: TrieIndex,
    private readonly patterns: readonly RegExp[],
    private readonly probe: TextProbe,
    private readonly lowerCase: boolean,
  ) {
    const nodeCount = trie.edgeCounts.length;
    const small = Math.max(nodeCount, trie.words.length, trie.filed.length, trie.edgeRests.length) < 0x10000;
    this.nodes = small ? new Uint16Array((nodeCount + 1) * NODE_STRIDE) : new Int32Array((nodeCount + 1) * NODE_STRIDE);
    const wordStart = startsByNode(nodeCount, trie.words.map(([node]) => node));
    const filedStart = startsByNode(nodeCount, trie.filed.map(([node]) => node));
    let edge = 0;
    for (let node = 0; node <= nodeCount; node++) {
      this.nodes[node * NODE_STRIDE] = edge;
      this.nodes[node * NODE_STRIDE + 1] = wordStart[node];
      this.nodes[node * NODE_STRIDE + 2] = filedStart[node];
      if (node < nodeCount) edge += trie.edgeCounts.charCodeAt(node) - EDGE_COUNT_OFFSET;
    }
    this.edgeCode = new Uint8Array(trie.edgeCharacters.length);
    for (let index = 0; index < trie.edgeCharacters.length; index++) this.edgeCode[index] = trie.edgeCharacters.charCodeAt(index);
    for (let index = this.nodes[0]; index < this.nodes[NODE_STRIDE]; index++) this.firstStep[this.edgeCode[index]] = index + 1;
    this.restStart = small ? new Uint16Array(trie.edgeCharacters.length + 1) : new Int32Array(trie.edgeCharacters.length + 1);
    for (let index = 0; index < trie.edgeCharacters.length; index++) this.restStart[index + 1] = this.restStart[index] + trie.edgeRestLengths.charCodeAt(index) - EDGE_COUNT_OFFSET;
    this.restCode = new Uint8Array(trie.edgeRests.length);
    for (let index = 0; index < trie.edgeRests.length; index++) this.restCode[index] = trie.edgeRests.charCodeAt(index);
    this.wordPattern = Int32Array.from(trie.words, ([, pattern]) => pattern);
    this.wordEnding = Uint8Array.from(trie.words, ([, , ending]) => ending);
    this.unicode = Uint8Array.from(patterns, (pattern) => (pattern.unicode ? 1 : 0));
    this.filed = trie.filed.map(([, pattern, source, requirements]) => ({ pattern, source, requirements, requirement: undefined, regex: undefined }));
  }

  run(text: string, into: Uint8Array): void {
    const { firstStep, nodes, edgeCode, restStart, restCode, wordPattern, wordEnding, unicode, filed, lowerCase } = this;
    const length = text.length;
    let previousIsWord = false;
    for (let start = 0; start < length; start++) {
      const isWord = isAsciiWordCode(text.charCodeAt(start));
      const wordBegins = isWord && !previousIsWord;
      previousIsWord = isWord;
      if (!wordBegins) continue;
      let node = 0;
      // The characters taken so far are text[start] to text[position - 1].
      let position = start;
      while (position < length) {
        let edge = -1;
        const code = keyCode(text.charCodeAt(position), lowerCase);
        if (node === 0) edge = firstStep[code] - 1;
        else {
          for (let candidate = nodes[node * NODE_STRIDE], end = nodes[node * NODE_STRIDE + NODE_STRIDE]; candidate < end; candidate++) {
            if (edgeCode[candidate] === code) {
              edge = candidate;
              break;
            }
          }
        }
        if (edge < 0) break;
        position++;
        const restEnd = restStart[edge + 1];
        let rest = restStart[edge];
        while (rest < restEnd && position < length && keyCode(text.charCodeAt(position), lowerCase) === restCode[rest]) {
          rest++;
          position++;
        }
        if (rest < restEnd) break;
        node = edge + 1;
        for (let word = nodes[node * NODE_STRIDE + 1], end = nodes[node * NODE_STRIDE + NODE_STRIDE + 1]; word < end; word++) {
          const pattern = wordPattern[word];
          if (into[pattern] === 0 && endingHolds(text, position, wordEnding[word], unicode[pattern] === 1)) into[pattern] = 1;
        }
        for (let entry = nodes[node * NODE_STRIDE + 2], end = nodes[node * NODE_STRIDE + NODE_STRIDE + 2]; entry < end; entry++) {
          const alternative = filed[entry];
          if (into[alternative.pattern] === 1) continue;
          const requirement = (alternative.requirement ??= alternative.requirements === null ? -1 : this.probe.add(alternative.requirements, lowerCase));
          if (requirement >= 0 && !this.probe.meets(requirement)) continue;
          const regex = (alternative.regex ??= new RegExp(alternative.source, `${this.patterns[alternative.pattern].flags}y`));
          regex.lastIndex = start;
          if (regex.test(text)) into[alternative.pattern] = 1;
        }
      }
    }
  }
}

/** A text character as keys spell it: beyond ASCII as DEL (regex-alternatives.ts BEYOND_ASCII), lower-cased when asked. */
function keyCode(code: number, lowerCase: boolean): number {
  if (code >= 128) return 127;
  return lowerCase && code >= 65 && code <= 90 ? code + 32 : code;
}

/** For entries sorted by node, where each node's entries start (and, at n + 1, end). */
function startsByNode(nodeCount: number, nodes: number[]): Int32Array {
  const starts = new Int32Array(nodeCount + 1);
  for (const node of nodes) starts[node + 1]++;
  for (let node = 0; node < nodeCount; node++) starts[node + 1] += starts[node];
  return starts;
}

/** Whether a word's `ending` (a TrieIndex ending) holds in `text` right after the word, which ends before `end`. */
function endingHolds(text: string, end: number, ending: number, unicode: boolean): boolean {
  const length = text.length;
  const nextIsWord = end < length && isAsciiWordCode(text.charCodeAt(end));
  const lastIsWord = ending >= LAST_IS_WORD;
  switch (ending & (LAST_IS_WORD - 1)) {
    case ENDING_NONE:
    case ENDING_STEM:
      return true;
    case ENDING_BOUNDARY:
      return lastIsWord !== nextIsWord;
    case ENDING_STEM_BOUNDARY:
      // `\w*` takes the rest of the word, after which a boundary always stands; after a
      // literal that ends in a non-word character, only a word character can start one.
      return lastIsWord || nextIsWord;
    case ENDING_WORD_END:
      return !nextIsWord && !isLetterBeyondAscii(text, end, unicode);
    case ENDING_STEM_WORD_END: {
      let after = end;
      while (after < length && isAsciiWordCode(text.charCodeAt(after))) after++;
      return !isLetterBeyondAscii(text, after, unicode);
    }
    default:
      throw new Error(`unknown ending ${ending}`);
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
