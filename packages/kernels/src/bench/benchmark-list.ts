// What the throughput benchmarks run: every registered activation at its
// defaults, then every approximation of the catalog at its catalog parameters
// (each id once), optionally narrowed to given ids.
import { type Activation, instantiate, type Parameters } from "../activation/activation.js";
import { activations, getActivation } from "../activations/index.js";
import { approximations } from "../approximations/index.js";
import { KernelsError } from "../errors/kernels-error.js";
import { opsUsed, transcendentalOps } from "../expression/expression.js";

/** Whether a benchmarked function is a registered activation or a catalog approximation. */
export type BenchmarkKind = "activation" | "approximation";

/** One benchmarked function. */
export interface BenchmarkEntry {
  readonly activation: Activation;
  readonly kind: BenchmarkKind;
  /** True when its expression uses a transcendental op (Exp, Log, Erf, Tanh, …). */
  readonly transcendental: boolean;
}

function allEntries(): BenchmarkEntry[] {
  const list: BenchmarkEntry[] = [];
  const seen = new Set<string>();
  const add = (activation: Activation, kind: BenchmarkKind) => {
    if (seen.has(activation.id)) return;
    seen.add(activation.id);
    const transcendental = opsUsed(activation.expression).some((op) => transcendentalOps.has(op));
    list.push({ activation, kind, transcendental });
  };
  for (const definition of activations) add(instantiate(definition), "activation");
  for (const entry of approximations) {
    const exact = instantiate(getActivation(entry.exact), entry.exactParams);
    const params =
      typeof entry.params === "function" ? entry.params(exact.params) : (entry.params ?? {});
    add(
      instantiate(getActivation(entry.approximation), params as Partial<Parameters>),
      "approximation",
    );
  }
  return list;
}

/** The ids the throughput benchmarks know, in the order they run them. */
export function benchmarkIds(): string[] {
  return allEntries().map((entry) => entry.activation.id);
}

/**
 * The entries to benchmark: all of them, or those with the given ids (in the
 * given order). An unknown id is UNKNOWN_ACTIVATION naming it.
 */
export function benchmarkEntries(ids?: readonly string[]): BenchmarkEntry[] {
  const all = allEntries();
  if (ids === undefined) return all;
  const byId = new Map(all.map((entry) => [entry.activation.id, entry]));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0)
    throw new KernelsError(
      "UNKNOWN_ACTIVATION",
      `no benchmark for ${unknown.map((id) => `"${id}"`).join(", ")}: pass ids from benchmarkIds() (${[...byId.keys()].join(", ")})`,
    );
  return [...new Set(ids)].map((id) => byId.get(id)!);
}

/** Checks the common options; returns the sizes and rounds to use. */
export function checkSizesAndRounds(
  sizes: readonly number[],
  rounds: number,
): { sizes: number[]; rounds: number } {
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 64 || n % 64 !== 0))
    throw new KernelsError(
      "INPUT_INVALID",
      `sizes must be positive multiples of 64 (reducing activations run rows of 64), got [${sizes.join(", ")}]`,
    );
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new KernelsError("INPUT_INVALID", `rounds must be a positive integer, got ${rounds}`);
  return { sizes: [...sizes], rounds };
}

/** Row length of the reducing activations (softmax, LogSumExp) in every benchmark. */
export const benchmarkRowLength = 64;
