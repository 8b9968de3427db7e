/**
 * Answers "does the text hold one string of each of these choices?" for many requirements
 * against one text, mostly without searching it: a string whose first two characters never stand
 * side by side in the text (or whose one character never appears) is not there. Only when that
 * check passes is the text searched. Used to skip a pattern no match of which can be in the text.
 *
 * Requirements are compiled into one integer program (no objects to chase on the hot path):
 * at a requirement's offset, its number of alternatives; per alternative, the offset after it and
 * its number of choices; per choice, the offset after it, its number of strings and their ids.
 */
export class TextProbe {
  /** Pairs at code * 128 + next, single characters at 128 * 128 + code; as given, then lower-cased. */
  private readonly marks = [new Uint16Array(128 * 129), new Uint16Array(128 * 129)];
  private generation = 0;
  private text = '';
  private marked = false;
  private lowerCased: string | undefined;
  // Per string id: its text, whether it is looked for lower-cased, and where the quick check looks.
  private readonly strings: string[] = [];
  /** 1 when looked for in the lower-cased text. */
  private readonly stringLower: number[] = [];
  /** Index in `marks` of its first two characters (or of its one character) when ASCII, else -1. */
  private readonly stringMark: number[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly program: number[] = [];
  private readsExact = false;
  private readsLowerCase = false;

  /**
   * Adds a requirement: true for a text that, for one of `requirements`, holds a string of each
   * of its choices (lower-cased strings looked for in the lower-cased text when `lowerCase`).
   * Returns its offset for `meets`; may be called between texts.
   */
  add(requirements: string[][][], lowerCase: boolean): number {
    // A text already marked was marked without the kind this requirement may read.
    if ((lowerCase && !this.readsLowerCase) || (!lowerCase && !this.readsExact)) this.marked = false;
    const program = this.program;
    const offset = program.length;
    program.push(requirements.length);
    for (const choices of requirements) {
      const alternativeAt = program.length;
      program.push(0, choices.length);
      for (const strings of choices) {
        const choiceAt = program.length;
        program.push(0, strings.length);
        for (const string of strings) program.push(this.idOf(string, lowerCase));
        program[choiceAt] = program.length;
      }
      program[alternativeAt] = program.length;
    }
    if (lowerCase) this.readsLowerCase = true;
    else this.readsExact = true;
    return offset;
  }

  /** Makes `text` the text answered for. */
  load(text: string): void {
    this.text = text;
    this.marked = false;
    this.lowerCased = undefined;
  }

  /** Whether the loaded text meets the requirement added at `offset`. */
  meets(offset: number): boolean {
    if (!this.marked) this.mark();
    const program = this.program;
    let at = offset + 1;
    for (let alternative = program[offset]; alternative > 0; alternative--) {
      const alternativeEnd = program[at];
      const choices = program[at + 1];
      at += 2;
      let met = true;
      for (let choice = 0; choice < choices && met; choice++) {
        const choiceEnd = program[at];
        const strings = program[at + 1];
        met = false;
        for (let index = at + 2; index < at + 2 + strings && !met; index++) met = this.holds(program[index]);
        at = choiceEnd;
      }
      if (met) return true;
      at = alternativeEnd;
    }
    return false;
  }

  private holds(id: number): boolean {
    const lower = this.stringLower[id];
    const mark = this.stringMark[id];
    const string = this.strings[id];
    if (mark >= 0) {
      if (this.marks[lower][mark] !== this.generation) return false;
      if (string.length <= 2) return true;
    }
    // The marks only tell ASCII pairs apart: longer or other strings are searched for.
    if (lower === 0) return this.text.includes(string);
    this.lowerCased ??= this.text.toLowerCase();
    return this.lowerCased.includes(string);
  }

  private idOf(string: string, lowerCase: boolean): number {
    const key = `${lowerCase ? 'l' : 'e'}${string}`;
    let id = this.stringIds.get(key);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(string);
      this.stringLower.push(lowerCase ? 1 : 0);
      const first = string.charCodeAt(0);
      const second = string.length > 1 ? string.charCodeAt(1) : 0;
      this.stringMark.push(first >= 128 || second >= 128 ? -1 : string.length === 1 ? 128 * 128 + first : first * 128 + second);
      this.stringIds.set(key, id);
    }
    return id;
  }

  private mark(): void {
    const { text } = this;
    const [exact, lowered] = this.marks;
    const { readsExact, readsLowerCase } = this;
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
      if (readsExact) {
        exact[128 * 128 + code] = generation;
        if (previous >= 0) exact[previous * 128 + code] = generation;
      }
      if (readsLowerCase) {
        lowered[128 * 128 + loweredCode] = generation;
        if (previous >= 0) lowered[previousLowered * 128 + loweredCode] = generation;
      }
      previous = code;
      previousLowered = loweredCode;
    }
    this.marked = true;
  }
}
