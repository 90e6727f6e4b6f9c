// What a site costs as the engine really runs it. Engines rewrite graphs
// before running them: onnxruntime fuses erf-GELU (and the bias Add before it)
// into one kernel, x·σ(x) into QuickGelu, folds a Relu into the Conv before it,
// and runs HardSwish as two kernels. A profile's `engine` rules say which;
// costs of kept sites and of substitutes are taken after them, and each node
// pays the engine's per-node overhead, which dominates on small tensors.
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import { histogramCost, opKey, splitOpKey } from "./cost.js";

/** What a form of a site costs on the engine, per element of the site's tensor. */
export interface EngineCost {
  readonly cost: number;
  /** The ops the engine runs for it (after fusions, folds and expansions). */
  readonly ops: Readonly<Record<string, number>>;
  /** What the engine made of it, when it changed anything (`fused into com.microsoft.BiasGelu`). */
  readonly note?: string;
}

/** True when only the site's own nodes read its input. */
function readBySiteOnly(site: Site): boolean {
  return site.input.uses.every((use) => site.nodes.includes(use.node)) && !site.input.isGraphOutput;
}

/** The node writing the site's input when it is a bias Add the engine can take in: Add of a 1-D constant, read by the site only. */
function biasAdd(site: Site): boolean {
  const producer = site.input.producer;
  if (producer?.opType !== "Add" || producer.domain !== "") return false;
  if (!readBySiteOnly(site)) return false;
  if (!producer.inputs.some((input) => input?.initializer?.dims.length === 1)) return false;
  // With static shapes onnxruntime first turns MatMul + Add into a Gemm: the bias is gone before a BiasGelu could take it.
  const matmul = producer.inputs.some((input) => input?.producer?.opType === "MatMul");
  return !(matmul && site.inferred?.elements !== undefined);
}

/** True when the site's input comes from one of `into`, read by nothing else. */
function foldable(site: Site, into: readonly string[]): boolean {
  const producer = site.input.producer;
  if (!producer || !readBySiteOnly(site)) return false;
  return into.includes(opKey(producer.opType, producer.domain));
}

/** A single op of a histogram (count 1), if that is all it holds. */
function singleOp(ops: Readonly<Record<string, number>>): string | undefined {
  const keys = Object.keys(ops);
  return keys.length === 1 && ops[keys[0]!] === 1 ? keys[0] : undefined;
}

/**
 * The engine cost of computing the site with `ops` (the site's own nodes when
 * `keep`, else a substitute's; a bias the substitute adds is in `ops`): the
 * profile's fusions (by rule name for kept sites, by op for one-node
 * substitutes), folds and expansions applied, plus per-node overhead when the
 * site's element count is known. Undefined when the target cannot run it.
 */
export function engineCost(
  ops: Readonly<Record<string, number>>,
  site: Site,
  target: TargetProfile,
  options: { readonly keep: boolean; readonly elements?: number },
): EngineCost | undefined {
  const engine = target.engine;
  let run: Record<string, number> = { ...ops };
  let note: string | undefined;
  let absorbedAdd = false;
  if (engine) {
    const single = singleOp(ops);
    const fusion = engine.fusions?.find(
      (entry) => (options.keep && entry.pattern === site.rule) || entry.pattern === single,
    );
    if (fusion && target.runs(...splitOpKey(fusion.becomes))) {
      if (fusion.withBias && biasAdd(site) && target.runs(...splitOpKey(fusion.withBias))) {
        run = { [fusion.withBias]: 1 };
        absorbedAdd = true;
        note = `the engine fuses it with the bias Add before it into ${fusion.withBias}`;
      } else {
        run = { [fusion.becomes]: 1 };
        if (fusion.becomes !== single) note = `the engine fuses it into ${fusion.becomes}`;
      }
    } else {
      const fold = single ? engine.folds?.find((entry) => entry.ops.includes(single)) : undefined;
      if (fold && foldable(site, fold.into)) {
        // Computed in the producer's output loop: no node and no memory pass of its own.
        const own = (target.cost(...splitOpKey(single!)) ?? 0) - (target.cost("Add") ?? 0);
        return {
          cost: Math.max(0, own),
          ops: {},
          note: `the engine folds it into the ${site.input.producer!.opType} before it`,
        };
      }
      for (const [op, count] of Object.entries(run)) {
        const parts = engine.expands?.[op];
        if (!parts) continue;
        delete run[op];
        for (const [part, times] of Object.entries(parts))
          run[part] = (run[part] ?? 0) + count * times;
        note = `the engine runs ${op} as ${Object.keys(parts).join(" + ")}`;
      }
    }
  }
  const perElement = histogramCost(run, target);
  if (perElement === undefined) return undefined;
  let cost = perElement;
  // The bias Add outside the site disappears into the fused kernel: its cost is saved.
  if (absorbedAdd) cost -= target.cost("Add") ?? 0;
  const nodes = Object.values(run).reduce((sum, count) => sum + count, 0) - (absorbedAdd ? 1 : 0);
  const overhead = engine?.nodeOverhead;
  if (overhead && options.elements && options.elements > 0)
    cost += (nodes * overhead) / options.elements;
  return { cost: Math.max(0, cost), ops: run, ...(note ? { note } : {}) };
}
