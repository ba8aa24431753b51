// The natural logarithm as fdlibm computes it (FreeBSD msun e_log.c, which V8's ieee754::log
// ports), in plain float64 arithmetic: the same bits in every JavaScript engine. Math.log is
// implementation-defined: Chromium 156 and Node 20 disagree in the last bit for ~8 % of inputs,
// which would make a seeded Rng draw different data in a browser than in Node.

const LN2_HI = 6.93147180369123816490e-01; // 0x3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
const TWO54 = 1.80143985094819840000e+16;
const LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01, LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01, LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;

const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer);
// Which Uint32 holds the high (sign, exponent) word on this platform.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** ln x with fdlibm's algorithm (error < 1 ulp), bit-identical across engines; ln 0 = −∞, ln(x < 0) = NaN. */
export function fdlibmLog(x: number): number {
  word[0] = x;
  let hx = halves[HI] | 0;
  const lx = halves[LO];
  let k = 0;
  if (hx < 0x00100000) { // x < 2^-1022: zero, negative or subnormal
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    word[0] = x * TWO54;
    hx = halves[HI] | 0;
  }
  if (hx >= 0x7ff00000) return word[0] + word[0];
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  halves[HI] = hx | (i0 ^ 0x3ff00000); // normalise x or x/2
  k += i0 >> 20;
  const f = word[0] - 1.0;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const r = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - r : dk * LN2_HI - ((r - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + r)) : dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - r) : dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
}
