// Turns per-model probe results into per-op, per-opset facts, conservatively:
// an op runs at opset v when some model holding it at v ran; it fails at v
// when no model holding it at v ran and at least one failing model held,
// besides it, only ops seen running at their opsets elsewhere (so the failure
// can be blamed on it). Everything else is undetermined. A failing opset
// between two opsets where the op ran is set apart (failedBetweenRuns): all
// its models differ from the running ones in element type or attributes
// (double inputs, which WebGPU lacks; uint8 variants), not in the op.
import type { ProbeOp } from "./probe-cases.js";
import type { ProbeStatus } from "./probe-run.js";

/** One case's result as the probe caches it (one JSON line each). */
export interface CaseRecord {
  readonly id: string;
  readonly ops: readonly ProbeOp[];
  readonly status: ProbeStatus;
  readonly error?: string;
  /** Outputs matched the reference (absent when there was none to compare). */
  readonly matched?: boolean;
  readonly difference?: string;
}

/** Models that failed with one error message. */
export interface FailureGroup {
  readonly opset: number;
  readonly error: string;
  readonly models: string[];
}

/** What the probe established about one op. */
export interface ProbedOp {
  /** Opsets at which some model holding the op ran. */
  ran: number[];
  /** Opsets at which every model holding it failed and at least one failure is the op's own. */
  failed: number[];
  /** Opsets between two where it ran, at which every model holding it failed (element types or attributes the provider lacks). */
  failedBetweenRuns?: number[];
  /** Opsets at which it appeared only in failing models together with other unproven ops. */
  undetermined?: number[];
  /** Models holding the op: how many, how many ran. */
  models: number;
  modelsRan: number;
  /** Models that ran but whose outputs differ from the reference. */
  wrongResults?: { model: string; difference: string }[];
  /** Failing models holding the op, grouped by error. */
  failures?: FailureGroup[];
}

const at = (op: ProbeOp) => `${op.key}@${op.opset}`;

/**
 * Per-op facts of a provider's records, ops sorted by name. Failures of models
 * in `typeBound` (fed float64, which no WebGPU provider has) are listed but
 * blame no op: they say nothing about the op on float32 tensors.
 */
export function attributeOps(
  records: readonly CaseRecord[],
  typeBound: ReadonlySet<string> = new Set(),
): Record<string, ProbedOp> {
  const ranAt = new Set<string>();
  for (const record of records)
    if (record.status === "ran") for (const op of record.ops) ranAt.add(at(op));
  const tallies = new Map<
    string,
    { ran: Set<number>; blamed: Set<number>; seen: Set<number>; op: ProbedOp }
  >();
  for (const record of records)
    for (const op of record.ops) {
      let tally = tallies.get(op.key);
      if (!tally) {
        tally = {
          ran: new Set(),
          blamed: new Set(),
          seen: new Set(),
          op: { ran: [], failed: [], models: 0, modelsRan: 0 },
        };
        tallies.set(op.key, tally);
      }
      tally.seen.add(op.opset);
      tally.op.models++;
      if (record.status === "ran") {
        tally.ran.add(op.opset);
        tally.op.modelsRan++;
        if (record.matched === false) {
          tally.op.wrongResults ??= [];
          tally.op.wrongResults.push({ model: record.id, difference: record.difference ?? "" });
        }
        continue;
      }
      if (
        !typeBound.has(record.id) &&
        record.ops.every((other) => other.key === op.key || ranAt.has(at(other)))
      )
        tally.blamed.add(op.opset);
      const error = record.error ?? record.status;
      tally.op.failures ??= [];
      const failures = tally.op.failures;
      const group = failures.find((entry) => entry.opset === op.opset && entry.error === error);
      if (group) group.models.push(record.id);
      else failures.push({ opset: op.opset, error, models: [record.id] });
    }
  const result: Record<string, ProbedOp> = {};
  for (const key of [...tallies.keys()].sort()) {
    const { ran, blamed, seen, op } = tallies.get(key)!;
    const sorted = (values: Iterable<number>) => [...values].sort((a, b) => a - b);
    op.ran = sorted(ran);
    const failed = sorted([...blamed].filter((opset) => !ran.has(opset)));
    const between = (opset: number) => opset > op.ran[0]! && opset < op.ran[op.ran.length - 1]!;
    op.failed = failed.filter((opset) => !between(opset));
    if (failed.some(between)) op.failedBetweenRuns = failed.filter(between);
    const undetermined = sorted([...seen].filter((opset) => !ran.has(opset) && !blamed.has(opset)));
    if (undetermined.length > 0) op.undetermined = undetermined;
    op.failures?.sort((a, b) => a.opset - b.opset || a.error.localeCompare(b.error));
    result[key] = op;
  }
  return result;
}
