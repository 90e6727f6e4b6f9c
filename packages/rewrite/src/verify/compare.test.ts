import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/support/error-of.js";
import { compareOutputs, defaultRelativeFloor, tinyNormRms } from "./compare.js";
import type { FeedTensor } from "./evaluator.js";

const f32 = (dims: number[], values: number[]): FeedTensor => ({
  type: "float32",
  dims,
  data: new Float32Array(values),
});
const f64 = (dims: number[], values: number[]): FeedTensor => ({
  type: "float64",
  dims,
  data: new Float64Array(values),
});

describe("compareOutputs", () => {
  it("reports zero error and full agreement for identical outputs", () => {
    const y = f32([2, 3], [0.5, -1, 2, 3, 0, 1]);
    const result = compareOutputs({ y }, { y: f32([2, 3], [0.5, -1, 2, 3, 0, 1]) });
    const [output] = result.outputs;
    expect(output).toMatchObject({
      name: "y",
      type: "float32",
      dims: [2, 3],
      elementCount: 6,
      comparedElements: 6,
      maxAbsError: 0,
      maxRelativeError: 0,
      meanAbsError: 0,
      cosineSimilarity: 1,
      top1Agreement: 1,
      top1Rows: 2,
      nonFiniteMismatches: 0,
      firstNonFiniteMismatchAt: null,
    });
    expect(result.maxAbsError).toBe(0);
    expect(result.relativeFloor).toBe(defaultRelativeFloor);
  });

  it("computes max, relative and mean error, where, and cosine by hand", () => {
    // reference [1, 2, 3, 4], candidate [1, 2, 3, 5]: one error of 1 at index 3.
    const result = compareOutputs(
      { y: f64([2, 2], [1, 2, 3, 4]) },
      { y: f64([2, 2], [1, 2.5, 3, 5]) },
    );
    const output = result.outputs[0]!;
    expect(output.maxAbsError).toBe(1);
    expect(output.maxAbsErrorAt).toEqual({
      index: 3,
      coordinates: [1, 1],
      reference: 4,
      candidate: 5,
    });
    // Relative: 0.5 / 2 = 0.25 at index 1 and 1 / 4 = 0.25 at index 3; the first wins.
    expect(output.maxRelativeError).toBe(0.25);
    expect(output.maxRelativeErrorAt?.index).toBe(1);
    expect(output.meanAbsError).toBe(1.5 / 4);
    // dot = 1 + 5 + 9 + 20 = 35; |r|² = 30; |c|² = 1 + 6.25 + 9 + 25 = 41.25.
    expect(output.cosineSimilarity).toBeCloseTo(35 / Math.sqrt(30 * 41.25), 14);
    // Rows [1, 2] → [1, 2.5] and [3, 4] → [3, 5]: argmax 1 in all four.
    expect(output.top1Agreement).toBe(1);
  });

  it("floors the relative error's denominator so near-zero references do not blow it up", () => {
    const reference = { y: f64([3], [0, 1e-5, 100]) };
    const candidate = { y: f64([3], [1e-4, 2e-5, 100.5]) };
    const byDefault = compareOutputs(reference, candidate).outputs[0]!;
    // max(|0|, 1e-3) → 1e-4 / 1e-3 = 0.1; 1e-5 / 1e-3 = 0.01; 0.5 / 100 = 0.005.
    expect(byDefault.maxRelativeError).toBeCloseTo(0.1, 12);
    expect(byDefault.maxRelativeErrorAt?.index).toBe(0);
    const tiny = compareOutputs(reference, candidate, { relativeFloor: 1e-6 }).outputs[0]!;
    // max(|0|, 1e-6) → 1e-4 / 1e-6 = 100.
    expect(tiny.maxRelativeError).toBeCloseTo(100, 9);
    const loose = compareOutputs(reference, candidate, { relativeFloor: 1 }).outputs[0]!;
    // Every |reference| < 1 uses 1: 1e-4, 1e-5, and 0.5 / 100.
    expect(loose.maxRelativeError).toBeCloseTo(0.005, 12);
    expect(loose.maxRelativeErrorAt?.index).toBe(2);
  });

  it("measures cosine similarity for orthogonal, opposite and zero outputs", () => {
    const cosine = (a: number[], b: number[]) =>
      compareOutputs({ y: f64([a.length], a) }, { y: f64([b.length], b) }).outputs[0]!
        .cosineSimilarity;
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([1, 2, 3], [-1, -2, -3])).toBe(-1);
    expect(cosine([0, 0], [0, 0])).toBe(1);
    expect(cosine([0, 0], [0, 1])).toBe(0);
    expect(cosine([3, 4], [4, 3])).toBeCloseTo(24 / 25, 14);
    // Squares overflow float64 here; the rescaled sum still gives the right cosine.
    expect(cosine([1e200, 1e200], [1e200, -1e200])).toBe(0);
    expect(cosine([1e300, 2e300], [2e300, 4e300])).toBeCloseTo(1, 12);
  });

  it("counts top-1 agreement over the leading rows of classifier-shaped outputs", () => {
    // 3 rows of 4 logits; row 1's argmax moves from class 2 to class 0.
    const reference = f32([3, 4], [0.1, 0.2, 0.9, 0.3, 0.8, 0.1, 0.85, 0, 5, 1, 2, 3]);
    const candidate = f32([3, 4], [0.1, 0.25, 0.8, 0.3, 0.9, 0.1, 0.85, 0, 4.5, 1, 2, 3]);
    const output = compareOutputs({ logits: reference }, { logits: candidate }).outputs[0]!;
    expect(output.top1Rows).toBe(3);
    expect(output.top1Agreement).toBeCloseTo(2 / 3, 15);
    // [4, 1, 3]: four rows of three (unit axes between the batch and the classes).
    const values = [1, 2, 3, 3, 2, 1, 0, 5, 0, 7, 7, 8];
    const moved = [1, 2, 3, 3, 2, 1, 5, 0, 0, 7, 7, 8];
    const cube = compareOutputs({ p: f32([4, 1, 3], values) }, { p: f32([4, 1, 3], moved) });
    expect(cube.outputs[0]!.top1Rows).toBe(4);
    expect(cube.outputs[0]!.top1Agreement).toBe(0.75);
    expect(cube.minTop1Agreement).toBe(0.75);
  });

  it("gives no top-1 figure for integer outputs, last dim 1 or scalars", () => {
    const ints: FeedTensor = {
      type: "int32",
      dims: [2, 3],
      data: new Int32Array([1, 2, 3, 4, 5, 6]),
    };
    const intResult = compareOutputs({ i: ints }, { i: ints }).outputs[0]!;
    expect(intResult.top1Agreement).toBeNull();
    expect(intResult.top1Rows).toBe(0);
    expect(
      compareOutputs({ c: f32([4, 1], [1, 2, 3, 4]) }, { c: f32([4, 1], [1, 2, 3, 4]) }).outputs[0]!
        .top1Agreement,
    ).toBeNull();
    expect(
      compareOutputs({ s: f32([], [1]) }, { s: f32([], [2]) }).outputs[0]!.top1Agreement,
    ).toBeNull();
    expect(compareOutputs({ s: f32([], [1]) }, { s: f32([], [2]) }).minTop1Agreement).toBeNull();
  });

  it("counts non-finite mismatches apart and keeps the result JSON-serializable", () => {
    const nan = Number.NaN;
    const inf = Number.POSITIVE_INFINITY;
    // Index 0: finite vs NaN; 1: NaN vs NaN (agree); 2: Inf vs Inf (agree); 3: finite vs −Inf; 4: compared.
    const result = compareOutputs(
      { y: f32([5], [1, nan, inf, 2, 5]) },
      { y: f32([5], [nan, nan, inf, -inf, 5.5]) },
    );
    const output = result.outputs[0]!;
    expect(output.nonFiniteMismatches).toBe(2);
    expect(output.comparedElements).toBe(1);
    expect(output.maxAbsError).toBe(0.5);
    expect(output.maxAbsErrorAt?.index).toBe(4);
    expect(output.firstNonFiniteMismatchAt).toEqual({
      index: 0,
      coordinates: [0],
      reference: 1,
      candidate: "NaN",
    });
    expect(result.nonFiniteMismatches).toBe(2);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    // Inf vs −Inf and Inf vs NaN are mismatches too.
    const signs = compareOutputs({ y: f64([2], [inf, inf]) }, { y: f64([2], [-inf, nan]) });
    expect(signs.nonFiniteMismatches).toBe(2);
    expect(signs.outputs[0]!.maxAbsErrorAt).toBeNull();
    expect(signs.outputs[0]!.firstNonFiniteMismatchAt?.candidate).toBe("-Infinity");
  });

  it("decodes float16 and 64-bit integer outputs", () => {
    const half = (bits: number[]): FeedTensor => ({
      type: "float16",
      dims: [2],
      data: new Uint16Array(bits),
    });
    // 0x3c00 = 1, 0x3e00 = 1.5, 0xc000 = −2.
    const halfResult = compareOutputs({ h: half([0x3c00, 0xc000]) }, { h: half([0x3e00, 0xc000]) });
    expect(halfResult.maxAbsError).toBe(0.5);
    expect(halfResult.outputs[0]!.maxAbsErrorAt?.candidate).toBe(1.5);
    const long = (values: bigint[]): FeedTensor => ({
      type: "int64",
      dims: [3],
      data: new BigInt64Array(values),
    });
    const longResult = compareOutputs({ n: long([1n, 2n, -3n]) }, { n: long([1n, 4n, -3n]) });
    expect(longResult.maxAbsError).toBe(2);
    expect(longResult.outputs[0]!.maxAbsErrorAt?.coordinates).toEqual([1]);
  });

  it("locates errors by coordinates in higher ranks", () => {
    const values = Array.from({ length: 24 }, (_, i) => i);
    const changed = [...values];
    changed[1 * 12 + 2 * 4 + 3] = 100; // element (1, 2, 3) of [2, 3, 4]
    const result = compareOutputs({ y: f32([2, 3, 4], values) }, { y: f32([2, 3, 4], changed) });
    expect(result.outputs[0]!.maxAbsErrorAt).toEqual({
      index: 23,
      coordinates: [1, 2, 3],
      reference: 23,
      candidate: 100,
    });
  });

  it("summarises the worst figures over several outputs", () => {
    const result = compareOutputs(
      { a: f64([4], [1, 2, 3, 4]), b: f64([2, 2], [10, 0, 0, 10]) },
      { a: f64([4], [1, 2, 3, 4.5]), b: f64([2, 2], [10, 0.25, 0.3, 0]) },
    );
    expect(result.outputs.map((o) => o.name)).toEqual(["a", "b"]);
    expect(result.maxAbsError).toBe(10);
    expect(result.maxAbsErrorOutput).toBe("b");
    // b: 0.3 / max(0, 1e-3) = 300 beats a's 0.5 / 4.
    expect(result.maxRelativeError).toBeCloseTo(300, 9);
    expect(result.maxRelativeErrorOutput).toBe("b");
    // (0.5 + 0.25 + 0.3 + 10) over 8 elements.
    expect(result.meanAbsError).toBeCloseTo(11.05 / 8, 14);
    expect(result.minCosineSimilarity).toBeCloseTo(
      100 / Math.sqrt(200 * (100 + 0.0625 + 0.09)),
      12,
    );
    // b rows: [10, 0] → [10, 0.25] agrees; [0, 10] → [0.3, 0] does not.
    expect(result.minTop1Agreement).toBe(0.5);
  });

  it("reports mismatched names, types and dims clearly", () => {
    const y = f32([2], [1, 2]);
    const names = errorOf(() => compareOutputs({ y, z: y }, { y, extra: y }));
    expect(names.code).toBe("INTERNAL");
    expect(names.message).toBe(
      `the candidate's outputs differ from the reference's: missing "z"; extra "extra"; a rewrite must keep every graph output`,
    );
    const types = errorOf(() => compareOutputs({ y }, { y: f64([2], [1, 2]) }));
    expect(types.message).toBe('output "y": the reference is float32 but the candidate is float64');
    expect(types.location.value).toBe("y");
    const dims = errorOf(() => compareOutputs({ y }, { y: f32([1, 2], [1, 2]) }));
    expect(dims.message).toBe('output "y": the reference has dims [2] but the candidate [1, 2]');
    const malformed = errorOf(() => compareOutputs({ y }, { y: f32([2], [1]) }));
    expect(malformed.code).toBe("EVALUATOR_FAILED");
    expect(malformed.message).toMatch(
      /candidate has dims \[2\] \(2 elements\) but 1 data elements/,
    );
    const floor = errorOf(() => compareOutputs({ y }, { y }, { relativeFloor: 0 }));
    expect(floor.code).toBe("OPTIONS_INVALID");
  });

  it("returns an empty summary for models without outputs", () => {
    expect(compareOutputs({}, {})).toEqual({
      outputs: [],
      maxAbsError: 0,
      maxAbsErrorOutput: null,
      maxRelativeError: 0,
      maxRelativeErrorOutput: null,
      meanAbsError: 0,
      minCosineSimilarity: null,
      unreliableCosineOutputs: [],
      minTop1Agreement: null,
      nonFiniteMismatches: 0,
      relativeFloor: defaultRelativeFloor,
    });
  });

  it("gives top-1 only where the last axis is a class axis ([C], [N, C], [N, 1, …, 1, C])", () => {
    const top1 = (dims: number[]) => {
      const count = dims.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: count }, (_, i) => Math.sin(i));
      return compareOutputs({ o: f32(dims, values) }, { o: f32(dims, values) }).outputs[0]!;
    };
    expect(top1([5])).toMatchObject({ top1Agreement: 1, top1Rows: 1 });
    expect(top1([3, 5])).toMatchObject({ top1Agreement: 1, top1Rows: 3 });
    expect(top1([3, 1, 1, 5])).toMatchObject({ top1Agreement: 1, top1Rows: 3 });
    // A detector's probability map, a feature map and a sequence: no class axis.
    expect(top1([1, 1, 8, 8]).top1Agreement).toBeNull();
    expect(top1([1, 4, 8]).top1Agreement).toBeNull();
    expect(top1([2, 3, 5])).toMatchObject({ top1Agreement: null, top1Rows: 0 });
  });

  it("flags cosine as unreliable when both outputs are near zero, and leaves it out of the minimum", () => {
    // A near-zero probability map whose candidate differs by < 1e-7 everywhere: cosine is far from 1 all the same.
    const reference = f32([1, 1, 2, 2], [1e-7, 2e-8, 3e-8, 1e-9]);
    const candidate = f32([1, 1, 2, 2], [1e-9, 9e-8, 2e-9, 5e-8]);
    const logits = f32([1, 3], [0.5, 2, -1]);
    const result = compareOutputs({ map: reference, logits }, { map: candidate, logits });
    const map = result.outputs[0]!;
    expect(map.maxAbsError).toBeLessThan(1e-7);
    expect(map.cosineSimilarity).toBeLessThan(0.5);
    expect(map.cosineReliable).toBe(false);
    expect(result.outputs[1]!.cosineReliable).toBe(true);
    expect(result.minCosineSimilarity).toBe(1);
    expect(result.unreliableCosineOutputs).toEqual(["map"]);
    // One side above the threshold is enough for the angle to mean something.
    const large = compareOutputs(
      { y: f32([2], [tinyNormRms * 10, 0]) },
      { y: f32([2], [0, 1e-9]) },
    );
    expect(large.outputs[0]!.cosineReliable).toBe(true);
    expect(large.minCosineSimilarity).toBe(0);
  });
});
