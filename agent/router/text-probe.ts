/**
 * Answers "does the text hold this string?" for many strings against one text, mostly without
 * searching it: a string whose first two characters never stand side by side in the text (or
 * whose one character never appears) is not there. Only when that check passes is the text
 * searched. Used to skip a pattern no match of which can be in the text.
 */

/** A string to look for, with what the quick check needs worked out once. */
export interface ProbeString {
  text: string;
  /** Looked for in the lower-cased text (`text` is then lower case). */
  lowerCase: boolean;
  /** `code * 128 + next` of its first two characters when both are ASCII, else -1. */
  pair: number;
  /** The code of its only character when it has one and it is ASCII, else -1. */
  single: number;
}

export function probeString(text: string, lowerCase: boolean): ProbeString {
  const first = text.charCodeAt(0);
  const second = text.length > 1 ? text.charCodeAt(1) : -1;
  return {
    text,
    lowerCase,
    pair: text.length > 1 && first < 128 && second < 128 ? first * 128 + second : -1,
    single: text.length === 1 && first < 128 ? first : -1,
  };
}

/**
 * The ASCII characters and pairs of one text at a time, as given and lower-cased (only the
 * kinds asked for at construction). A text is read at its first question, once; the marks of
 * earlier texts are told apart by a generation number rather than cleared.
 */
export class TextProbe {
  /** Pairs at code * 128 + next, single characters at 128 * 128 + code; as given, then lower-cased. */
  private readonly marks = [new Uint16Array(128 * 129), new Uint16Array(128 * 129)];
  private generation = 0;
  private text = '';
  private marked = false;
  private lowerCased: string | undefined;

  constructor(private readonly kinds: { exact: boolean; lowerCase: boolean }) {}

  /** Makes `text` the text answered for. */
  load(text: string): void {
    this.text = text;
    this.marked = false;
    this.lowerCased = undefined;
  }

  /** True when the loaded text (lower-cased for a lower-case string) holds `string`. */
  holds(string: ProbeString): boolean {
    if (!this.marked) this.mark();
    const marks = this.marks[string.lowerCase ? 1 : 0];
    if (string.pair >= 0) {
      if (marks[string.pair] !== this.generation) return false;
    } else if (string.single >= 0) return marks[128 * 128 + string.single] === this.generation;
    // The pairs only tell ASCII apart: anything else is searched for.
    if (!string.lowerCase) return this.text.includes(string.text);
    this.lowerCased ??= this.text.toLowerCase();
    return this.lowerCased.includes(string.text);
  }

  private mark(): void {
    const { text } = this;
    const [exact, lowered] = this.marks;
    const { exact: marksExact, lowerCase: marksLowerCase } = this.kinds;
    if (++this.generation === 0x10000) {
      exact.fill(0);
      lowered.fill(0);
      this.generation = 1;
    }
    const generation = this.generation;
    let previous = -1;
    let previousLowered = -1;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code >= 128) {
        previous = -1;
        continue;
      }
      // Lower-casing turns A-Z into a-z and no other ASCII character into anything else.
      const loweredCode = code >= 65 && code <= 90 ? code + 32 : code;
      if (marksExact) {
        exact[128 * 128 + code] = generation;
        if (previous >= 0) exact[previous * 128 + code] = generation;
      }
      if (marksLowerCase) {
        lowered[128 * 128 + loweredCode] = generation;
        if (previous >= 0) lowered[previousLowered * 128 + loweredCode] = generation;
      }
      previous = code;
      previousLowered = loweredCode;
    }
    this.marked = true;
  }
}
