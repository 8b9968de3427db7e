/**
 * The English cues and the multilingual concepts as pattern sets (pattern-set.ts), built at the
 * first call. Their index is kept in model/pattern-index.json (written by `npm run
 * train:routing`) and taken when it was made from the current patterns; otherwise the patterns
 * are indexed afresh, which gives the same answers and takes a few hundred milliseconds more.
 */
import { readFileSync } from 'node:fs';
import { CUES } from './english-cues.ts';
import { CONCEPTS } from './multilingual-cues.ts';
import { createPatternSet, indexPatterns, patternsFingerprint, type PatternIndex, type PatternSet, type TrieIndex } from './pattern-set.ts';

export const PATTERN_INDEX_PATH = new URL('./model/pattern-index.json', import.meta.url);

export interface CuePatternSets {
  /** Reads the text as given. */
  cues: PatternSet;
  /** Reads folded text (multilingual-cues.ts `foldText`). */
  concepts: PatternSet;
}

interface PatternIndexFile {
  generatedBy: string;
  cues: PatternIndex;
  concepts: PatternIndex;
}

const CUE_PATTERNS = CUES.map((cue) => cue.pattern);
const CONCEPT_PATTERNS = CONCEPTS.map((concept) => concept.pattern);

let built: CuePatternSets | undefined;

/** The cue and concept pattern sets; the same objects on every call. */
export function cuePatternSets(): CuePatternSets {
  if (built === undefined) {
    const shipped = readShippedIndex();
    built = {
      cues: createPatternSet(CUE_PATTERNS, usable(shipped?.cues, CUE_PATTERNS)),
      concepts: createPatternSet(CONCEPT_PATTERNS, usable(shipped?.concepts, CONCEPT_PATTERNS)),
    };
  }
  return built;
}

/** What `npm run train:routing` writes to PATTERN_INDEX_PATH: one entry a line, for readable diffs. */
export function patternIndexFileText(): string {
  const file: PatternIndexFile = {
    generatedBy: 'npm run train:routing (scripts/train-routing.ts) from english-cues.ts and multilingual-cues.ts; do not edit',
    cues: indexPatterns(CUE_PATTERNS),
    concepts: indexPatterns(CONCEPT_PATTERNS),
  };
  // One entry a line, so that a change to one cue shows as a few lines.
  const lines = (entries: unknown[]): string => `[\n${entries.map((entry) => JSON.stringify(entry)).join(',\n')}\n]`;
  const trieText = (trie: TrieIndex): string =>
    `{"edgeCounts": ${JSON.stringify(trie.edgeCounts)},\n"edgeCharacters": ${JSON.stringify(trie.edgeCharacters)},\n` +
    `"edgeRestLengths": ${JSON.stringify(trie.edgeRestLengths)},\n"edgeRests": ${JSON.stringify(trie.edgeRests)},\n` +
    `"words": ${lines(trie.words)},\n"filed": ${lines(trie.filed)}}`;
  const indexText = (index: PatternIndex): string =>
    `{"patterns": ${JSON.stringify(index.patterns)},\n"wholeText": ${lines(index.wholeText)},\n"tries": [${index.tries.map(trieText).join(',\n')}]}`;
  return `{"generatedBy": ${JSON.stringify(file.generatedBy)},\n"cues": ${indexText(file.cues)},\n"concepts": ${indexText(file.concepts)}}\n`;
}

function readShippedIndex(): PatternIndexFile | undefined {
  try {
    return JSON.parse(readFileSync(PATTERN_INDEX_PATH, 'utf8')) as PatternIndexFile;
  } catch {
    return undefined;
  }
}

/** `index` when it was made from `patterns`; undefined (index afresh) otherwise. */
function usable(index: PatternIndex | undefined, patterns: RegExp[]): PatternIndex | undefined {
  return index !== undefined && index.patterns === patternsFingerprint(patterns) ? index : undefined;
}
