import type { FeedTensor } from "@rectify/rewrite/light";
import type { Accuracy } from "../report/schema.js";

type Outputs = Readonly<Record<string, FeedTensor>>;

const numeric = (tensor: FeedTensor): ArrayLike<number> | undefined =>
  tensor.data instanceof Float32Array || tensor.data instanceof Float64Array
    ? tensor.data
    : undefined;

/**
 * The optimized model's outputs against the original's: max |difference|,
 * the lowest cosine similarity of an output (as a flat vector), and top-1
 * agreement over the rows of every output whose last axis has ≥ 2 entries
 * (class scores, logits). Non-float outputs must match exactly (counted as
 * non-finite mismatches otherwise). NaN/Inf on one side only is counted,
 * and makes maxAbs null.
 */
export function compareAccuracy(original: Outputs, optimized: Outputs): Accuracy {
  let maxAbs = 0;
  let cosine: number | null = null;
  let nonFinite = 0;
  let rows = 0;
  let agreeing = 0;
  for (const [name, reference] of Object.entries(original)) {
    const candidate = optimized[name];
    if (!candidate) throw new Error(`the optimized model has no output ${name}`);
    const a = numeric(reference);
    const b = numeric(candidate);
    if (!a || !b) {
      if (!sameValues(reference.data, candidate.data)) nonFinite++;
      continue;
    }
    if (a.length !== b.length)
      throw new Error(`output ${name} has ${a.length} elements originally, ${b.length} after`);
    let dot = 0;
    let normA = 0;
    let normB = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        if (
          Number.isFinite(x) !== Number.isFinite(y) ||
          (x !== y && !(Number.isNaN(x) && Number.isNaN(y)))
        )
          nonFinite++;
        continue;
      }
      maxAbs = Math.max(maxAbs, Math.abs(x - y));
      dot += x * y;
      normA += x * x;
      normB += y * y;
    }
    // Two zero vectors are the same vector.
    const similarity =
      normA === 0 && normB === 0
        ? 1
        : normA === 0 || normB === 0
          ? 0
          : dot / Math.sqrt(normA * normB);
    cosine = cosine === null ? similarity : Math.min(cosine, similarity);
    const classes = reference.dims.at(-1) ?? 0;
    if (reference.dims.length >= 1 && classes >= 2 && a.length % classes === 0) {
      for (let row = 0; row < a.length / classes; row++) {
        rows++;
        if (argmax(a, row * classes, classes) === argmax(b, row * classes, classes)) agreeing++;
      }
    }
  }
  return {
    maxAbs: nonFinite > 0 ? null : maxAbs,
    cosine,
    top1: rows > 0 ? agreeing / rows : null,
    nonFinite,
  };
}

function argmax(values: ArrayLike<number>, start: number, count: number): number {
  let best = start;
  for (let i = start + 1; i < start + count; i++) if (values[i]! > values[best]!) best = i;
  return best - start;
}

function sameValues(a: FeedTensor["data"], b: FeedTensor["data"]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
