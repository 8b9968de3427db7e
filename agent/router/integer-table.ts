/**
 * A map from 32-bit unsigned integers to non-negative integers, in one typed array. It stands in
 * for `Map<number, number>` on hot paths: half of all 32-bit hashes are too large to be small
 * integers in V8, so a `Map` keyed by them boxes a number on every look-up. A key and its value
 * sit side by side, so a look-up usually reads one cache line.
 */
export class IntegerTable {
  /** Per slot: the key (as int32), then its value + 1; 0 for an empty slot. */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(expectedSize = 16) {
    let capacity = 16;
    while (capacity < expectedSize * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
  }

  /** A table from each of `keys` to its index in `keys` (the last, for a key given twice). */
  static indexOf(keys: Uint32Array): IntegerTable {
    const table = new IntegerTable(keys.length);
    const { slots, mask } = table;
    // One loop rather than a call a key: at first use this runs before anything is optimised.
    for (let index = 0; index < keys.length; index++) {
      const wanted = keys[index] | 0;
      let slot = Math.imul(wanted, 0x9e3779b1) & mask;
      while (slots[slot * 2 + 1] !== 0 && slots[slot * 2] !== wanted) slot = (slot + 1) & mask;
      if (slots[slot * 2 + 1] === 0) table.size++;
      slots[slot * 2] = wanted;
      slots[slot * 2 + 1] = index + 1;
    }
    return table;
  }

  /** The value of `key`, or -1 when it has none. */
  get(key: number): number {
    const { slots, mask } = this;
    const wanted = key | 0;
    let slot = Math.imul(wanted, 0x9e3779b1) & mask;
    for (;;) {
      const value = slots[slot * 2 + 1];
      if (value === 0) return -1;
      if (slots[slot * 2] === wanted) return value - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** Sets the value of `key` (an integer from 0 to 2^31 - 2), replacing any it had. */
  set(key: number, value: number): void {
    if ((this.size + 1) * 4 > this.slots.length) this.grow();
    const { slots, mask } = this;
    const wanted = key | 0;
    let slot = Math.imul(wanted, 0x9e3779b1) & mask;
    while (slots[slot * 2 + 1] !== 0 && slots[slot * 2] !== wanted) slot = (slot + 1) & mask;
    if (slots[slot * 2 + 1] === 0) this.size++;
    slots[slot * 2] = wanted;
    slots[slot * 2 + 1] = value + 1;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = old.length - 1;
    this.size = 0;
    for (let slot = 0; slot < old.length; slot += 2) if (old[slot + 1] !== 0) this.set(old[slot], old[slot + 1] - 1);
  }
}

/**
 * A set of 32-bit integers for one round at a time (a text's feature hashes): `clear` starts a
 * new round in constant time, with a table sized to the round so that it stays in the fastest
 * cache. Holds at most `maxSize` integers a round.
 */
export class IntegerSet {
  /** Per slot: the key (as int32), then the round it was added in. */
  private readonly slots: Int32Array;
  private mask = 15;
  private round = 0;

  constructor(maxSize: number) {
    let capacity = 16;
    while (capacity < maxSize * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 2);
  }

  /** Empties the set for a round of at most `size` integers (at most `maxSize`). */
  clear(size: number): void {
    if (++this.round === 0x7fffffff) {
      this.slots.fill(0);
      this.round = 1;
    }
    let mask = 15;
    while (mask + 1 < size * 2) mask = mask * 2 + 1;
    this.mask = mask;
  }

  /** Adds `key`; true when it was not in the set yet. */
  add(key: number): boolean {
    const { slots, mask, round } = this;
    const wanted = key | 0;
    let slot = Math.imul(wanted, 0x9e3779b1) & mask;
    while (slots[slot * 2 + 1] === round) {
      if (slots[slot * 2] === wanted) return false;
      slot = (slot + 1) & mask;
    }
    slots[slot * 2] = wanted;
    slots[slot * 2 + 1] = round;
    return true;
  }
}
