// f32x4 math for the generated kernels (AssemblyScript, compiled by
// scripts/build-wasm.ts with --enable simd). Written here: the formulas are
// textbook (Cody–Waite reduction + Taylor/atanh series, the erfc Chebyshev
// fit of Numerical Recipes), the code is ours. Every function keeps IEEE
// special values: NaN in → NaN out, ±0, subnormals, overflow to ±Infinity.

// @ts-nocheck

@inline function splat(value: f32): v128 {
  return f32x4.splat(value);
}

@inline function ones(): v128 {
  return f32x4.splat(1.0);
}

@inline function zeros(): v128 {
  return f32x4.splat(0.0);
}

/** Lanes whose sign bit is set (including −0 and −NaN). */
@inline function signBits(x: v128): v128 {
  return v128.and(x, i32x4.splat(0x80000000));
}

/** mask of lanes i with i < count (count in 0..4). */
@inline function laneMask(count: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count));
}

const LN2_HI: f32 = 0.693359375; // few mantissa bits: n·LN2_HI is exact for |n| ≤ 2^13
const LN2_LO: f32 = -2.12194440e-4;
const LOG2E: f32 = 1.44269504089;

/**
 * e^x: n = round(x·log2 e), r = x − n·ln2 (two-part ln2), e^r by its degree-7
 * Taylor polynomial (|r| ≤ 0.347, truncation < 2^-27), scaled by 2^n in two
 * halves so results down to the smallest subnormal round once. x is clamped
 * to [−104, 89] first: e^89 overflows to +Inf and e^−104 rounds to 0 as they
 * should, and the clamp keeps NaN.
 */
@inline function vexp(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, splat(-104.0)), splat(89.0));
  const n = f32x4.nearest(f32x4.mul(xc, splat(LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(n, splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, splat(LN2_LO)));
  let p = splat(1.0 / 5040.0);
  p = f32x4.add(f32x4.mul(p, r), splat(1.0 / 720.0));
  p = f32x4.add(f32x4.mul(p, r), splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), ones());
  p = f32x4.add(f32x4.mul(p, r), ones());
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const scale1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const scale2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, scale1), scale2);
}

/**
 * ln x: x = 2^e·m with m in [√½, √2) (subnormals scaled by 2^23 first),
 * ln m = 2·atanh(s) with s = (m−1)/(m+1), |s| ≤ 0.172, by its odd series to
 * s^9 (truncation < 2^-28 relative); e·ln2 in two parts. ln 0 = −Inf,
 * ln(x<0) = NaN, ln(+Inf) = +Inf.
 */
@inline function vlog(x: v128): v128 {
  const tiny = f32x4.lt(x, splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608.0)), x, tiny);
  const bits = xs;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(127));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(23)));
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, splat(1.41421356));
  m = v128.bitselect(f32x4.mul(m, splat(0.5)), m, big);
  e = i32x4.sub(e, big);
  const f = f32x4.sub(m, ones());
  const s = f32x4.div(f, f32x4.add(f, splat(2.0)));
  const z = f32x4.mul(s, s);
  let p = splat(2.0 / 9.0);
  p = f32x4.add(f32x4.mul(p, z), splat(2.0 / 7.0));
  p = f32x4.add(f32x4.mul(p, z), splat(2.0 / 5.0));
  p = f32x4.add(f32x4.mul(p, z), splat(2.0 / 3.0));
  const logm = f32x4.add(f32x4.add(s, s), f32x4.mul(f32x4.mul(s, z), p));
  const ef = f32x4.convert_i32x4_s(e);
  let result = f32x4.add(f32x4.mul(ef, splat(LN2_HI)), f32x4.add(f32x4.mul(ef, splat(LN2_LO)), logm));
  // x = +Inf or NaN: itself; x = ±0: −Inf; x < 0: NaN.
  const passThrough = v128.or(f32x4.ne(x, x), f32x4.eq(x, splat(Infinity)));
  result = v128.bitselect(x, result, passThrough);
  result = v128.bitselect(splat(-Infinity), result, f32x4.eq(x, zeros()));
  return v128.bitselect(splat(NaN), result, f32x4.lt(x, zeros()));
}

/**
 * erf x: for |x| < 1 the Maclaurin series x·Σ(−1)ⁿx²ⁿ/(n!(2n+1))·2/√π to
 * n = 10 (truncation < 2^-29); beyond, 1 − erfc(|x|) with the Chebyshev
 * erfc fit t·exp(−x² + P(t)), t = 1/(1 + |x|/2) (relative error < 1.2e-7,
 * from Numerical Recipes), which only needs absolute accuracy next to 1.
 */
@inline function verf(x: v128): v128 {
  const a = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  // Series in z: coefficients 2/√π·(−1)ⁿ/(n!(2n+1)).
  let p = splat(1.4807192815879218e-8); // n = 10
  p = f32x4.add(f32x4.mul(p, z), splat(-1.6365844691234924e-7));
  p = f32x4.add(f32x4.mul(p, z), splat(1.6462114365889246e-6));
  p = f32x4.add(f32x4.mul(p, z), splat(-1.492565035840625e-5));
  p = f32x4.add(f32x4.mul(p, z), splat(1.2055332981789664e-4));
  p = f32x4.add(f32x4.mul(p, z), splat(-8.5483270234508522e-4));
  p = f32x4.add(f32x4.mul(p, z), splat(5.2239776254421879e-3));
  p = f32x4.add(f32x4.mul(p, z), splat(-2.6866170645131252e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(1.1283791670955126e-1));
  p = f32x4.add(f32x4.mul(p, z), splat(-3.7612638903183754e-1));
  p = f32x4.add(f32x4.mul(p, z), splat(1.1283791670955126)); // n = 0
  const small = f32x4.mul(x, p);
  const t = f32x4.div(ones(), f32x4.add(ones(), f32x4.mul(a, splat(0.5))));
  let q = splat(0.17087277);
  q = f32x4.add(f32x4.mul(q, t), splat(-0.82215223));
  q = f32x4.add(f32x4.mul(q, t), splat(1.48851587));
  q = f32x4.add(f32x4.mul(q, t), splat(-1.13520398));
  q = f32x4.add(f32x4.mul(q, t), splat(0.27886807));
  q = f32x4.add(f32x4.mul(q, t), splat(-0.18628806));
  q = f32x4.add(f32x4.mul(q, t), splat(0.09678418));
  q = f32x4.add(f32x4.mul(q, t), splat(0.37409196));
  q = f32x4.add(f32x4.mul(q, t), splat(1.00002368));
  q = f32x4.add(f32x4.mul(q, t), splat(-1.26551223));
  const erfc = f32x4.mul(t, vexp(f32x4.sub(q, z)));
  const large = v128.or(f32x4.sub(ones(), erfc), signBits(x));
  return v128.bitselect(small, large, f32x4.lt(a, ones()));
}

/**
 * tanh x: for |x| < 0.55 its odd Taylor series to x^17 (terms shrink by
 * (2x/π)² ≤ 0.123, truncation < 2^-26 relative); beyond, 1 − 2/(e^{2|x|} + 1)
 * with the sign of x (e^{2|x|} = +Inf gives exactly 1).
 */
@inline function vtanh(x: v128): v128 {
  const a = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = splat(5.9002744094558598e-4); // 6404582/10854718875
  p = f32x4.add(f32x4.mul(p, z), splat(-1.4558343870513183e-3)); // −929569/638512875
  p = f32x4.add(f32x4.mul(p, z), splat(3.5921280365724811e-3)); // 21844/6081075
  p = f32x4.add(f32x4.mul(p, z), splat(-8.8632355299021966e-3)); // −1382/155925
  p = f32x4.add(f32x4.mul(p, z), splat(2.1869488536155203e-2)); // 62/2835
  p = f32x4.add(f32x4.mul(p, z), splat(-5.3968253968253968e-2)); // −17/315
  p = f32x4.add(f32x4.mul(p, z), splat(1.3333333333333333e-1)); // 2/15
  p = f32x4.add(f32x4.mul(p, z), splat(-3.3333333333333333e-1)); // −1/3
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, z), p));
  const e = vexp(f32x4.add(a, a));
  const large = v128.or(f32x4.sub(ones(), f32x4.div(splat(2.0), f32x4.add(e, ones()))), signBits(x));
  return v128.bitselect(small, large, f32x4.lt(a, splat(0.55)));
}

/** σ(x) = 1/(1 + e^{−x}) from e = e^{−|x|}: 1/(1+e) for x ≥ 0, e/(1+e) below (no overflow, subnormal tail kept). */
@inline function vsigmoid(x: v128): v128 {
  const e = vexp(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(ones(), f32x4.add(ones(), e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, zeros()));
}

/**
 * a ** b with JavaScript's rules: |a|^b = e^{b·ln|a|}; b = 0 gives 1 (even
 * for NaN a); negative a with a finite non-integer b gives NaN; odd integer
 * b keeps a's sign (−0 and −Inf included). The relative error grows with
 * |b·ln|a|| (about |b·ln a|·2^-24), a few ulps for moderate results.
 */
@inline function vpow(a: v128, b: v128): v128 {
  const magnitude = vexp(f32x4.mul(b, vlog(f32x4.abs(a))));
  const integer = f32x4.eq(f32x4.floor(b), b);
  const absB = f32x4.abs(b);
  const small = f32x4.lt(absB, splat(16777216.0));
  const oddBit = i32x4.shl(i32x4.trunc_sat_f32x4_s(absB), 31);
  const odd = v128.and(v128.and(integer, small), i32x4.ne(oddBit, i32x4.splat(0)));
  let result = v128.or(magnitude, v128.and(odd, signBits(a)));
  const nan = v128.and(
    v128.and(f32x4.lt(a, zeros()), f32x4.gt(a, splat(-Infinity))),
    v128.andnot(f32x4.lt(absB, splat(Infinity)), integer),
  );
  result = v128.bitselect(splat(NaN), result, nan);
  return v128.bitselect(ones(), result, f32x4.eq(b, zeros()));
}

/** Sign: 1, −1, 0 for ±0, NaN for NaN. */
@inline function vsign(x: v128): v128 {
  const positive = v128.and(f32x4.gt(x, zeros()), ones());
  const negative = v128.and(f32x4.lt(x, zeros()), splat(-1.0));
  return v128.or(v128.or(positive, negative), v128.and(f32x4.ne(x, x), x));
}

/** Max over the four lanes, in every lane (NaN propagates). */
@inline function horizontalMax(v: v128): v128 {
  const a = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.max(a, v128.shuffle<f32>(a, a, 1, 0, 3, 2));
}

/** Sum of the four lanes, in every lane. */
@inline function horizontalSum(v: v128): v128 {
  const a = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.add(a, v128.shuffle<f32>(a, a, 1, 0, 3, 2));
}

// A 16-byte scratch vector for the last partial vector of a row.
const SCRATCH: usize = memory.data(16, 16);

/** Loads `count` (< 4) floats; the other lanes hold garbage (callers mask them). */
@inline function loadPartial(pointer: usize, count: i32): v128 {
  memory.copy(SCRATCH, pointer, <usize>count << 2);
  return v128.load(SCRATCH);
}

/** Stores the first `count` (< 4) lanes. */
@inline function storePartial(pointer: usize, value: v128, count: i32): void {
  v128.store(SCRATCH, value);
  memory.copy(pointer, SCRATCH, <usize>count << 2);
}

/** Where free memory starts (the host allocates above it). */
export function heapBase(): usize {
  return __heap_base;
}

/** A plain memory copy, as a speed baseline for the kernels. */
export function copy(target: usize, source: usize, bytes: usize): void {
  memory.copy(target, source, bytes);
}
