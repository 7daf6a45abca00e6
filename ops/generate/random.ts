/**
 * Seeded, reproducible randomness for the sample-data generator.
 *
 * Two flavours, because the generator needs both:
 *  - `Rng`: a sequential stream (sfc32) for things generated in order, e.g. the
 *    orders of one business day.
 *  - keyed functions (`keyedUint32`, `keyedFloat`, `keyedHex32`): a pure
 *    function of (key, index), so entity #i of a pool (a customer, a product)
 *    can be recomputed on demand without materialising the whole pool and
 *    comes out the same whatever else was generated before it.
 *
 * Math.random is never used: every value must be reproducible from the seed.
 */

const TWO_POW_32 = 4294967296;

/** 'xx' for every byte, so hex formatting is table lookups instead of toString(16). */
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 8 lowercase hex chars for an unsigned 32-bit integer. */
export function hex8(x: number): string {
  return (
    BYTE_HEX[(x >>> 24) & 0xff] + BYTE_HEX[(x >>> 16) & 0xff] + BYTE_HEX[(x >>> 8) & 0xff] + BYTE_HEX[x & 0xff]
  );
}

/**
 * lowbias32 (Chris Wellons): a fast integer finaliser with good avalanche.
 * It is a bijection on 32-bit integers, which keyed ids rely on for uniqueness.
 */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** cyrb128: hashes a string into four 32-bit words (enough to seed sfc32). */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A 32-bit key for the keyed functions, derived from any mix of seed parts. */
export function deriveKey(...parts: ReadonlyArray<string | number>): number {
  return hash128(parts.join('\u241f'))[0];
}

/**
 * Pure hash of (key, index, lane). For a fixed key and lane it is injective in
 * `index` for index < 2^30, so ids built from it never collide within a pool.
 */
export function keyedUint32(key: number, index: number, lane = 0): number {
  return mix32((key ^ mix32(index * 4 + lane)) >>> 0);
}

/** Pure hash of (key, index) mapped to [0, 1). */
export function keyedFloat(key: number, index: number, lane = 0): number {
  return keyedUint32(key, index, lane) / TWO_POW_32;
}

/** Pure 32-char lowercase hex id for (key, index); unique per index (see keyedUint32). */
export function keyedHex32(key: number, index: number): string {
  return (
    hex8(keyedUint32(key, index, 0)) +
    hex8(keyedUint32(key, index, 1)) +
    hex8(keyedUint32(key, index, 2)) +
    hex8(keyedUint32(key, index, 3))
  );
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting PRNG): fast, 128-bit state, passes PractRand. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * A string or number is hashed into the 128-bit state; four words are used
   * as-is (see `forIndex`).
   */
  constructor(seed: string | number | readonly [number, number, number, number]) {
    const [a, b, c, d] = typeof seed === 'object' ? seed : hash128(String(seed));
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    this.warmUp();
  }

  /** A stream for entity #index under key: cheaper than hashing a string per entity. */
  static forIndex(key: number, index: number): Rng {
    return new Rng([keyedUint32(key, index, 0), keyedUint32(key, index, 1), keyedUint32(key, index, 2), 1]);
  }

  /** sfc32 recommends discarding the first outputs so similar seeds diverge. */
  private warmUp(): void {
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Next unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution (plenty for sample data). */
  float(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** Uniform integer in [min, max], both inclusive; the span must stay below 2^32. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** 32 lowercase hex chars, the shape of Olist ids. */
  hex32(): string {
    return hex8(this.uint32()) + hex8(this.uint32()) + hex8(this.uint32()) + hex8(this.uint32());
  }

  /** Standard normal via Box-Muller (one draw per call; no cached spare to keep state simple). */
  normal(mean = 0, sd = 1): number {
    const u1 = 1 - this.float(); // (0, 1]: log(0) would be -Infinity
    const u2 = this.float();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Log-normal with the given median: right-skewed like prices and weights. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

/** Picks items proportionally to their weights; weights need not sum to 1. */
export class WeightedPicker<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    if (entries.length === 0) throw new RangeError('WeightedPicker needs at least one entry');
    this.items = entries.map(([item]) => item);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, weight], i) => {
      if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`bad weight ${weight}`);
      sum += weight;
      this.cumulative[i] = sum;
    });
    if (sum <= 0) throw new RangeError('WeightedPicker needs a positive total weight');
    this.total = sum;
  }

  /** Pick with an external uniform in [0, 1), so keyed (pure) draws can use it too. */
  pickWith(u: number): T {
    const target = u * this.total;
    // Linear scan: the tables here are short and sorted heaviest-first.
    const last = this.cumulative.length - 1;
    for (let i = 0; i < last; i++) {
      if (target < this.cumulative[i]) return this.items[i];
    }
    return this.items[last];
  }

  pick(rng: Rng): T {
    return this.pickWith(rng.float());
  }
}
