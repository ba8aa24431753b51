import { fdlibmLog } from './fdlibmLog.ts';

/**
 * Seeded pseudo-random generator: xoshiro128** (Blackman & Vigna, 2018) on four 32-bit words,
 * seeded through SplitMix32 from a 32-bit integer seed. Uniform doubles use 53 random bits
 * (two draws); normals use the Marsaglia polar method. Identical bits in every JS engine.
 */
export class Rng {
  private s0 = 0; private s1 = 0; private s2 = 0; private s3 = 0;
  private spare = 0; private hasSpare = false;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng: seed must be a finite number, got ${seed}`);
    let x = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t; this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5, lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal N(0, 1) (Marsaglia polar method); the same bits in every JavaScript engine. */
  normal(): number {
    if (this.hasSpare) { this.hasSpare = false; return this.spare; }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    // fdlibmLog, not Math.log: engines differ in the last bit, and the stream must not.
    const f = Math.sqrt(-2 * fdlibmLog(s) / s);
    this.spare = v * f; this.hasSpare = true;
    return u * f;
  }

  /**
   * Fills out with i.i.d. N(mean, std²) samples; returns out. The same bits and the same final state
   * as out.length calls of normal(), with the generator's words held in locals (twice as fast: data
   * sets of thousands of normals are drawn for every cell of a sweep).
   */
  fillNormal(out: Float64Array, std = 1, mean = 0): Float64Array {
    const n = out.length;
    let i = 0;
    if (n > 0 && this.hasSpare) { this.hasSpare = false; out[i++] = mean + std * this.spare; }
    if (i >= n) return out;
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3, spare = this.spare;
    while (i < n) {
      let u: number, v: number, s: number;
      do {
        // Four steps of nextUint32 (xoshiro128**), as uniform() twice would take them.
        let a = Math.imul(s1, 5); a = Math.imul((a << 7) | (a >>> 25), 9) >>> 0;
        let t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        let b = Math.imul(s1, 5); b = Math.imul((b << 7) | (b >>> 25), 9) >>> 0;
        t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        u = 2 * (((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992) - 1;
        a = Math.imul(s1, 5); a = Math.imul((a << 7) | (a >>> 25), 9) >>> 0;
        t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        b = Math.imul(s1, 5); b = Math.imul((b << 7) | (b >>> 25), 9) >>> 0;
        t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
        v = 2 * (((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992) - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt(-2 * fdlibmLog(s) / s);
      out[i++] = mean + std * (u * f);
      spare = v * f;
      if (i < n) out[i++] = mean + std * spare; else this.hasSpare = true;
    }
    this.s0 = s0; this.s1 = s1; this.s2 = s2; this.s3 = s3; this.spare = spare;
    return out;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** The generator's full state (for checkpoints); restore with Rng.fromState. */
  state(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.hasSpare ? 1 : 0, this.spare];
  }

  /** A generator continuing exactly from a saved state. */
  static fromState(st: readonly number[]): Rng {
    const r = new Rng(0);
    r.s0 = st[0] | 0; r.s1 = st[1] | 0; r.s2 = st[2] | 0; r.s3 = st[3] | 0;
    r.hasSpare = st[4] === 1; r.spare = st[5];
    return r;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
