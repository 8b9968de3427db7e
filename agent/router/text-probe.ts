/**
 * Answers "does the text hold this string?" for many strings against one text, mostly without
 * searching it: a string whose first two characters never stand side by side in the text (or
 * whose one character never appears) is not there. Only when that check passes is the text
 * searched. Used to skip a pattern no match of which can be in the text.
 */

/** A string to look for, with what the quick check needs worked out once. */
export interface ProbeString {
  text: string;
  /** `code * 128 + next` of its first two characters when both are ASCII, else -1. */
  pair: number;
  /** The code of its only character when it has one and it is ASCII, else -1. */
  single: number;
}

export function probeString(text: string): ProbeString {
  const first = text.charCodeAt(0);
  const second = text.length > 1 ? text.charCodeAt(1) : -1;
  return {
    text,
    pair: text.length > 1 && first < 128 && second < 128 ? first * 128 + second : -1,
    single: text.length === 1 && first < 128 ? first : -1,
  };
}

/**
 * The ASCII characters and pairs of one text at a time, kept as given or lower-cased. A lower-
 * cased probe answers for `text.toLowerCase()`: its strings must be lower case.
 */
export class TextProbe {
  private readonly pairs = new Uint8Array(128 * 128);
  private readonly singles = new Uint8Array(128);
  private text = '';
  private searched: string | undefined;

  constructor(private readonly lowerCase: boolean) {}

  /** Makes `text` the text answered for. */
  load(text: string): void {
    this.mark(this.text, 0);
    this.text = text;
    this.searched = undefined;
    this.mark(text, 1);
  }

  /** True when the loaded text (lower-cased for a lower-case probe) holds `string`. */
  holds(string: ProbeString): boolean {
    if (string.pair >= 0) {
      if (this.pairs[string.pair] === 0) return false;
    } else if (string.single >= 0) return this.singles[string.single] === 1;
    // The pairs only tell ASCII apart: anything else is searched for.
    this.searched ??= this.lowerCase ? this.text.toLowerCase() : this.text;
    return this.searched.includes(string.text);
  }

  private mark(text: string, value: number): void {
    const { pairs, singles, lowerCase } = this;
    let previous = -1;
    for (let index = 0; index < text.length; index++) {
      let code = text.charCodeAt(index);
      if (code >= 128) {
        previous = -1;
        continue;
      }
      // Lower-casing turns A-Z into a-z and no other ASCII character into anything else.
      if (lowerCase && code >= 65 && code <= 90) code += 32;
      singles[code] = value;
      if (previous >= 0) pairs[previous * 128 + code] = value;
      previous = code;
    }
  }
}
