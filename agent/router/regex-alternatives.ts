/**
 * Reads the regular expressions the cues are written in, enough to split a pattern into its
 * alternatives and to tell, for each, where its matches can start and which text any match must
 * contain. Only `test` is served: no captures, no match positions.
 *
 * Every answer errs on the safe side: a key or literal is only given when every match has it,
 * and syntax the parser does not know makes it give up (undefined) rather than guess. Covered
 * beyond the shipped cues by test/router/pattern-set-matches-each-pattern.test.ts.
 */

/** A piece of a pattern: its source (`raw`, quantifier included) and what it matches. */
export type Term =
  | { kind: 'assertion'; raw: string; word: boolean }
  | { kind: 'lookaround'; raw: string; positive: boolean; branches: Term[][] }
  | { kind: 'characters'; raw: string; characters: string[] | undefined; min: number; max: number }
  | { kind: 'group'; raw: string; capturing: boolean; branches: Term[][]; min: number; max: number };

/** Longest key: the first characters of a match, up to this many. */
const KEY_LENGTH = 8;
/** A character a pattern could match that cannot be told. */
const UNKNOWN = '\u0000';
/**
 * Any character beyond ASCII, in a key: a text is walked with every such character read as
 * this one (DEL, which the cues never spell, is read as itself and so counts as one too).
 */
export const BEYOND_ASCII = '\u007f';
/** Keys of one alternative beyond which they are shortened. */
const MAX_KEYS = 64;
/** Alternatives of one pattern beyond which no more groups are split. */
const MAX_ALTERNATIVES = 4000;
/** Strings beyond which looking for each of a choice costs more than testing the pattern. */
const MAX_LITERALS = 16;

class Unsupported extends Error {}

/**
 * The alternatives of `pattern`: its top-level branches, with the first consuming term of each
 * split when it is a group taken once (`\b(?:a|b)c` gives `\bac` and `\bbc`), repeatedly. `test`
 * is true exactly when one of them matches. Undefined when the pattern has a capturing group, a
 * back-reference or syntax this parser does not know.
 */
export function alternativesOf(pattern: RegExp): Term[][] | undefined {
  // Back-references would tie alternatives together; surrogate pairs are one character under `u`.
  if (/\\[1-9k]/.test(pattern.source.replace(/\\\\/g, '')) || /[\uD800-\uDFFF]/.test(pattern.source)) return undefined;
  let branches: Term[][];
  try {
    const parser = { source: pattern.source, position: 0 };
    branches = parseBranches(parser);
    if (parser.position !== pattern.source.length) return undefined;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  if (branches.some(hasCapturingGroup)) return undefined;
  const alternatives: Term[][] = [];
  const pending = [...branches].reverse();
  while (pending.length > 0) {
    const branch = pending.pop() as Term[];
    const first = branch.findIndex((term) => term.kind !== 'assertion' && term.kind !== 'lookaround');
    const term = branch[first];
    if (term !== undefined && term.kind === 'group' && term.min === 1 && term.max === 1 && alternatives.length + pending.length + term.branches.length < MAX_ALTERNATIVES) {
      for (let index = term.branches.length - 1; index >= 0; index--) {
        pending.push([...branch.slice(0, first), ...term.branches[index], ...branch.slice(first + 1)]);
      }
    } else alternatives.push(branch);
  }
  return alternatives;
}

/**
 * One source matching where any of `alternatives` does, their common first and last terms
 * written once: `\ba(?:b|c)d` for `\babd` and `\bacd`.
 */
export function joinAlternatives(alternatives: Term[][]): string {
  if (alternatives.length === 1) return sourceOf(alternatives[0]);
  const shortest = Math.min(...alternatives.map((terms) => terms.length));
  const same = (index: (terms: Term[]) => number): boolean => alternatives.every((terms) => terms[index(terms)].raw === alternatives[0][index(alternatives[0])].raw);
  let head = 0;
  while (head < shortest && same(() => head)) head++;
  let tail = 0;
  while (tail < shortest - head && same((terms) => terms.length - 1 - tail)) tail++;
  const middles = alternatives.map((terms) => sourceOf(terms.slice(head, terms.length - tail)));
  const first = alternatives[0];
  return `${sourceOf(first.slice(0, head))}(?:${middles.join('|')})${sourceOf(first.slice(first.length - tail))}`;
}

export function sourceOf(terms: Term[]): string {
  return terms.map((term) => term.raw).join('');
}

/** `\w` unless both the `u` and `i` flags are set: ASCII letters, digits and underscore. */
export function isAsciiWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}

/**
 * The keys (first characters, lower-cased when `ignoreCase`, at most KEY_LENGTH) under one of
 * which every match of `alternative` starts, when every match starts at a word start: the
 * alternative opens with `\b` and can only start with an ASCII word character. Undefined
 * otherwise. No key is a prefix of another.
 */
export function wordStartKeys(alternative: Term[], ignoreCase: boolean): string[] | undefined {
  const first = alternative[0];
  if (first === undefined || first.kind !== 'assertion' || !first.word) return undefined;
  const prefixes = prefixesOf(alternative, ignoreCase);
  const keys = new Set<string>();
  for (const prefix of prefixes) {
    const known = prefix.includes(UNKNOWN) ? prefix.slice(0, prefix.indexOf(UNKNOWN)) : prefix;
    if (known.length === 0 || !isAsciiWordCode(known.charCodeAt(0))) return undefined;
    keys.add(known);
  }
  // A key covers every longer key that starts with it: a walk down the keys passes it first.
  return [...keys].filter((key) => ![...keys].some((other) => other.length < key.length && key.startsWith(other)));
}

/**
 * The endings a literal form can have: nothing more, a `\b`, or the end of a word as
 * multilingual-cues.ts `words` writes it (no letter of any script next); each either right after
 * the literal or after the rest of its word (`\w*`, for a stem).
 */
export const LITERAL_ENDINGS = ['', '\\b', '(?![\\w\\u00c0-\\uffff])', '\\w*', '\\w*\\b', '\\w*(?![\\w\\u00c0-\\uffff])'] as const;
export type LiteralEnding = (typeof LITERAL_ENDINGS)[number];

/** Literal strings an alternative can start with, at most this many. */
const MAX_EXPANSIONS = 64;

/**
 * `alternative` as a few plain strings and an ending, when it is one: `\b`, then words spelt out
 * (small choices such as `s?`, `[sz]` or `(?:es|ing)?` are spelt each way), then one of
 * LITERAL_ENDINGS. It matches exactly where a word starts with one of the strings (compared
 * lower-cased when `ignoreCase`) and the ending holds there. Undefined for any other shape, or
 * when the strings would be more than MAX_EXPANSIONS or not ASCII starting with a word character.
 */
export function literalForm(alternative: Term[], ignoreCase: boolean): { literals: string[]; ending: LiteralEnding } | undefined {
  const first = alternative[0];
  if (first === undefined || first.kind !== 'assertion' || !first.word) return undefined;
  let end = alternative.length;
  let ending = '';
  const last = alternative[end - 1];
  if (end > 1 && (last.raw === '\\b' || last.raw === '(?![\\w\\u00c0-\\uffff])')) {
    ending = last.raw;
    end--;
  }
  const stem = alternative[end - 1];
  if (end > 1 && stem.kind === 'characters' && (stem.raw === '\\w*' || stem.raw === '\\w*?')) {
    ending = `\\w*${ending}`;
    end--;
  }
  const literals = spellings(alternative.slice(1, end), ignoreCase);
  if (literals === undefined || !(LITERAL_ENDINGS as readonly string[]).includes(ending)) return undefined;
  if (literals.some((literal) => literal === '' || !isAsciiWordCode(literal.charCodeAt(0)))) return undefined;
  return { literals, ending: ending as LiteralEnding };
}

/** Every string `terms` can match, when they are few and ASCII; undefined otherwise. */
function spellings(terms: Term[], ignoreCase: boolean): string[] | undefined {
  let result = [''];
  for (const term of terms) {
    let choices: string[] | undefined;
    if (term.kind === 'characters') {
      const characters = term.characters;
      if (characters === undefined || characters.length > 8 || term.max > 3) return undefined;
      if (characters.some((character) => character.charCodeAt(0) >= 127 || character === '\0')) return undefined;
      const each = [...new Set(characters.map((character) => (ignoreCase ? character.toLowerCase() : character)))];
      choices = [];
      let repeated = [''];
      for (let count = 0; count <= term.max; count++) {
        if (count >= term.min) choices.push(...repeated);
        repeated = repeated.flatMap((prefix) => each.map((character) => prefix + character));
        if (repeated.length > MAX_EXPANSIONS) return undefined;
      }
    } else if (term.kind === 'group' && !term.capturing && term.max === 1) {
      choices = term.min === 0 ? [''] : [];
      for (const branch of term.branches) {
        const spelt = spellings(branch, ignoreCase);
        if (spelt === undefined) return undefined;
        choices.push(...spelt);
      }
    } else return undefined;
    result = [...new Set(result.flatMap((prefix) => (choices as string[]).map((choice) => prefix + choice)))];
    if (result.length > MAX_EXPANSIONS) return undefined;
  }
  return result;
}

/**
 * Choices of strings that every match of `alternative` contains one of, each choice at most
 * MAX_LITERALS strings (lower-cased when `ignoreCase`, and then free of any character whose case
 * could differ), the rarest-looking first: choices of punctuation, then of the longest strings.
 * Empty when nothing is known to be required.
 */
export function requiredLiterals(alternative: Term[], ignoreCase: boolean): string[][] {
  const choices: string[][] = [];
  let run = '';
  const endRun = (): void => {
    if (run !== '') choices.push([run]);
    run = '';
  };
  for (const term of alternative) {
    if (term.kind === 'assertion') continue; // takes no character
    if (term.kind === 'lookaround') {
      // Takes no character, but what a positive one looks for is in the text all the same.
      if (term.positive) pushBranchChoice(term.branches, ignoreCase, choices);
      continue;
    }
    const characters = term.kind === 'characters' ? literalCharacters(term.characters, ignoreCase) : undefined;
    if (characters !== undefined && characters.length === 1 && term.min >= 1) {
      run += characters[0].repeat(Math.min(term.min, KEY_LENGTH));
      if (term.max !== term.min) endRun();
      continue;
    }
    endRun();
    if (term.min === 0) continue;
    if (characters !== undefined && characters.length <= MAX_LITERALS) choices.push(characters);
    if (term.kind === 'group') pushBranchChoice(term.branches, ignoreCase, choices);
  }
  endRun();
  // Every text has spaces: a choice of nothing else rules nothing out.
  return choices.filter((choice) => !choice.every((literal) => literal.trim() === '')).sort((first, second) => rarity(second) - rarity(first));
}

/** One of `branches` is taken: each gives its own best choice, and together they make one. */
function pushBranchChoice(branches: Term[][], ignoreCase: boolean, choices: string[][]): void {
  const union = new Set<string>();
  for (const branch of branches) {
    const best = requiredLiterals(branch, ignoreCase)[0];
    if (best === undefined) return;
    for (const literal of best) union.add(literal);
  }
  const needed = withoutContainers([...union]);
  if (needed.length > 0 && needed.length <= MAX_LITERALS) choices.push(needed);
}

/** `strings` less those that contain another of them: finding that one is enough. */
function withoutContainers(strings: string[]): string[] {
  return strings.filter((string, index) => !strings.some((other, otherIndex) => otherIndex !== index && string.includes(other) && (string !== other || otherIndex < index)));
}

function rarity(choice: string[]): number {
  const punctuation = choice.every((literal) => !/[A-Za-z0-9\s]/.test(literal));
  return (punctuation ? 1000 : 0) + Math.min(...choice.map((literal) => literal.length)) * 10 - choice.length / 10;
}

/**
 * The characters of a class or single character as a required literal can use them; undefined
 * when they cannot be told or, under `ignoreCase`, when one could match a character of another
 * case (a literal is then looked for in the lower-cased text).
 */
function literalCharacters(characters: string[] | undefined, ignoreCase: boolean): string[] | undefined {
  if (characters === undefined || characters.some((character) => character === '\0')) return undefined;
  if (!ignoreCase) return characters;
  if (!characters.every((character) => character.charCodeAt(0) < 128 || hasNoCase(character))) return undefined;
  return [...new Set(characters.map((character) => character.toLowerCase()))];
}

const noCase = new Map<string, boolean>();

/**
 * True when `character` matches only itself under the `i` flag without `u` (no other code unit
 * upper-cases to it) and lower-casing leaves it alone: an arrow or a curly quote, not a letter.
 */
function hasNoCase(character: string): boolean {
  let known = noCase.get(character);
  if (known === undefined) {
    known = character.toLowerCase() === character && character.toUpperCase() === character;
    for (let code = 0; known && code <= 0xffff; code++) {
      const other = String.fromCharCode(code);
      if (other !== character && other.toUpperCase() === character) known = false;
    }
    noCase.set(character, known);
  }
  return known;
}

// ---------------------------------------------------------------------------------------------
// The parser: one pass over the source, terms with their raw text.

interface Parser {
  source: string;
  position: number;
}

function parseBranches(parser: Parser): Term[][] {
  const branches: Term[][] = [[]];
  const { source } = parser;
  while (parser.position < source.length) {
    const character = source[parser.position];
    if (character === ')') break;
    if (character === '|') {
      parser.position++;
      branches.push([]);
      continue;
    }
    branches[branches.length - 1].push(parseTerm(parser));
  }
  return branches;
}

function parseTerm(parser: Parser): Term {
  const { source } = parser;
  const start = parser.position;
  const character = source[start];
  if (character === '^' || character === '$') {
    parser.position++;
    return { kind: 'assertion', raw: character, word: false };
  }
  if (character === '\\' && (source[start + 1] === 'b' || source[start + 1] === 'B')) {
    parser.position += 2;
    return { kind: 'assertion', raw: source.slice(start, parser.position), word: source[start + 1] === 'b' };
  }
  if (character === '(') {
    let capturing = false;
    let lookaround = false;
    const positive = source.startsWith('(?=', start) || source.startsWith('(?<=', start);
    if (source.startsWith('(?:', start)) parser.position += 3;
    else if (source.startsWith('(?=', start) || source.startsWith('(?!', start)) {
      parser.position += 3;
      lookaround = true;
    } else if (source.startsWith('(?<=', start) || source.startsWith('(?<!', start)) {
      parser.position += 4;
      lookaround = true;
    } else if (source[start + 1] === '?') throw new Unsupported('group kind');
    else {
      parser.position += 1;
      capturing = true;
    }
    const branches = parseBranches(parser);
    if (source[parser.position] !== ')') throw new Unsupported('unclosed group');
    parser.position++;
    if (lookaround) {
      if (quantifierAt(source, parser.position) !== undefined) throw new Unsupported('quantified lookaround');
      return { kind: 'lookaround', raw: source.slice(start, parser.position), positive, branches };
    }
    const [min, max] = readQuantifier(parser);
    return { kind: 'group', raw: source.slice(start, parser.position), capturing, branches, min, max };
  }
  const characters = readCharacters(parser);
  const [min, max] = readQuantifier(parser);
  return { kind: 'characters', raw: source.slice(start, parser.position), characters, min, max };
}

/** The characters one atom matches, or undefined when they are many or unknown. */
function readCharacters(parser: Parser): string[] | undefined {
  const { source } = parser;
  const character = source[parser.position];
  if (character === '[') return readClass(parser);
  if (character === '.') {
    parser.position++;
    return undefined;
  }
  if (character === '*' || character === '+' || character === '?' || character === ')') throw new Unsupported('stray quantifier');
  // A literal brace could join a quantifier once alternatives are spliced together.
  if (character === '{' || character === '}') throw new Unsupported('literal brace');
  if (character === '\\') return readEscape(parser, false);
  parser.position++;
  return [character];
}

function readClass(parser: Parser): string[] | undefined {
  const { source } = parser;
  parser.position++; // [
  const negated = source[parser.position] === '^';
  if (negated) parser.position++;
  const members: (string[] | undefined)[] = [];
  while (parser.position < source.length && source[parser.position] !== ']') {
    const from = source[parser.position] === '\\' ? readEscape(parser, true) : [source[parser.position++]];
    if (source[parser.position] === '-' && source[parser.position + 1] !== ']' && parser.position + 1 < source.length) {
      parser.position++;
      const to = source[parser.position] === '\\' ? readEscape(parser, true) : [source[parser.position++]];
      if (from === undefined || to === undefined || from.length !== 1 || to.length !== 1) throw new Unsupported('class range');
      const low = from[0].charCodeAt(0);
      const high = to[0].charCodeAt(0);
      if (high < low) throw new Unsupported('class range order');
      members.push(high - low > 64 ? undefined : Array.from({ length: high - low + 1 }, (_, offset) => String.fromCharCode(low + offset)));
    } else members.push(from);
  }
  if (source[parser.position] !== ']') throw new Unsupported('unclosed class');
  parser.position++;
  if (negated || members.some((member) => member === undefined)) return undefined;
  return [...new Set(members.flatMap((member) => member as string[]))];
}

const LITERAL_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f', v: '\v', '0': '\0' };
const DIGITS = '0123456789'.split('');
/** What `\s` matches. */
const WHITESPACE = [...'\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff'].concat(Array.from({ length: 11 }, (_, offset) => String.fromCharCode(0x2000 + offset)));

/** One escape: its characters, or undefined for a class escape of many (\w, \s, ...). */
function readEscape(parser: Parser, inClass: boolean): string[] | undefined {
  const { source } = parser;
  const letter = source[parser.position + 1];
  if (letter === undefined) throw new Unsupported('trailing backslash');
  parser.position += 2;
  if (letter === 'd') return DIGITS;
  if (letter === 's') return WHITESPACE;
  if (letter === 'w' || letter === 'W' || letter === 'S' || letter === 'D') return undefined;
  if (letter === 'u' || letter === 'x') {
    const length = letter === 'u' ? 4 : 2;
    const digits = source.slice(parser.position, parser.position + length);
    if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== length) throw new Unsupported('escape');
    parser.position += length;
    return [String.fromCharCode(parseInt(digits, 16))];
  }
  if (letter in LITERAL_ESCAPES) {
    if (letter === '0' && /[0-9]/.test(source[parser.position] ?? '')) throw new Unsupported('octal escape');
    return [LITERAL_ESCAPES[letter]];
  }
  if (letter === 'b' && inClass) return ['\b'];
  if (/[A-Za-z0-9]/.test(letter)) throw new Unsupported(`escape \\${letter}`);
  return [letter];
}

function quantifierAt(source: string, position: number): RegExpMatchArray | undefined {
  const character = source[position];
  if (character === '?' || character === '*' || character === '+') return [character] as RegExpMatchArray;
  if (character !== '{') return undefined;
  return /^\{(\d+)(,(\d*))?\}/.exec(source.slice(position)) ?? undefined;
}

function readQuantifier(parser: Parser): [number, number] {
  const match = quantifierAt(parser.source, parser.position);
  if (match === undefined) return [1, 1];
  parser.position += match[0].length;
  if (parser.source[parser.position] === '?') parser.position++; // lazy: same set of matches for `test`
  if (match[0] === '?') return [0, 1];
  if (match[0] === '*') return [0, Infinity];
  if (match[0] === '+') return [1, Infinity];
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
  return [min, max];
}

function hasCapturingGroup(terms: Term[]): boolean {
  return terms.some((term) => term.kind === 'group' && (term.capturing || term.branches.some(hasCapturingGroup)));
}

/**
 * Every string of at most KEY_LENGTH characters a match of `terms` can start with (shorter
 * when the match can end sooner); UNKNOWN stands for a character that cannot be told. Zero-width
 * terms are skipped, which can only add prefixes, never lose one.
 */
function prefixesOf(terms: Term[], ignoreCase: boolean): Set<string> {
  let prefixes = new Set(['']);
  for (const term of terms) {
    if (term.kind === 'assertion' || term.kind === 'lookaround') continue;
    if (allSettled(prefixes)) break;
    const once = term.kind === 'group' ? groupPrefixes(term.branches, ignoreCase) : characterPrefixes(term.characters, ignoreCase);
    // Repeat the term min to max times; past KEY_LENGTH repetitions nothing new can be added.
    let repeated = prefixes;
    const result = term.min === 0 ? new Set(prefixes) : new Set<string>();
    for (let count = 1; count <= Math.min(term.max, term.min + KEY_LENGTH + 1); count++) {
      repeated = widen(concatenate(repeated, once));
      if (count >= term.min) for (const prefix of repeated) result.add(prefix);
      if (count >= term.min && allSettled(repeated)) break;
    }
    prefixes = widen(result);
  }
  return prefixes;
}

/** True when no later character can change any of `prefixes`. */
function allSettled(prefixes: Set<string>): boolean {
  for (const prefix of prefixes) if (prefix.length < KEY_LENGTH && !prefix.includes(UNKNOWN)) return false;
  return true;
}

/** `prefixes`, shortened (UNKNOWN standing for the rest) until there are at most MAX_KEYS. */
function widen(prefixes: Set<string>): Set<string> {
  for (let length = KEY_LENGTH - 1; prefixes.size > MAX_KEYS && length >= 1; length--) {
    prefixes = new Set(
      [...prefixes].map((prefix) => {
        const known = prefix.includes(UNKNOWN) ? prefix.slice(0, prefix.indexOf(UNKNOWN)) : prefix;
        return known.length > length ? known.slice(0, length) + UNKNOWN : prefix;
      }),
    );
  }
  return prefixes;
}

function groupPrefixes(branches: Term[][], ignoreCase: boolean): Set<string> {
  const union = new Set<string>();
  for (const branch of branches) for (const prefix of prefixesOf(branch, ignoreCase)) union.add(prefix);
  return union;
}

function characterPrefixes(characters: string[] | undefined, ignoreCase: boolean): Set<string> {
  if (characters === undefined) return new Set([UNKNOWN]);
  const result = new Set<string>();
  for (const character of characters) {
    const code = character.charCodeAt(0);
    if (code === 0) result.add(UNKNOWN);
    else if (code >= 127) result.add(BEYOND_ASCII);
    else if (ignoreCase && /[A-Za-z]/.test(character)) result.add(character.toLowerCase());
    else result.add(character);
  }
  return result;
}

function concatenate(prefixes: Set<string>, next: Set<string>): Set<string> {
  const result = new Set<string>();
  for (const prefix of prefixes) {
    if (prefix.length >= KEY_LENGTH || prefix.includes(UNKNOWN)) {
      result.add(prefix);
      continue;
    }
    for (const addition of next) result.add((prefix + addition).slice(0, KEY_LENGTH));
  }
  return result;
}
