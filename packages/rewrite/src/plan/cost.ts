import type { Node } from "@rectify/onnx";
import type { TargetProfile } from "../targets/profile.js";

/** The histogram key of an op: `Op` in ONNX's default domain, `domain.Op` elsewhere. */
export function opKey(opType: string, domain: string): string {
  return domain && domain !== "ai.onnx" ? `${domain}.${opType}` : opType;
}

/** The op type and domain of a histogram key (inverse of opKey). */
export function splitOpKey(key: string): [opType: string, domain: string] {
  const at = key.lastIndexOf(".");
  return at < 0 ? [key, ""] : [key.slice(at + 1), key.slice(0, at)];
}

/** How many nodes of each op a list of nodes holds. */
export function nodeOps(nodes: readonly Node[]): Record<string, number> {
  const ops: Record<string, number> = {};
  for (const node of nodes) {
    const key = opKey(node.opType, node.domain);
    ops[key] = (ops[key] ?? 0) + 1;
  }
  return ops;
}

/** Sum of profile costs of an op histogram (undefined if the target lacks one of the ops). */
export function histogramCost(
  ops: Readonly<Record<string, number>>,
  target: TargetProfile,
): number | undefined {
  let total = 0;
  for (const [key, count] of Object.entries(ops)) {
    const [opType, domain] = splitOpKey(key);
    const cost = target.cost(opType, domain);
    if (cost === undefined) return undefined;
    total += cost * count;
  }
  return total;
}

/** The ops of a histogram the target does not run. */
export function missingOps(ops: Readonly<Record<string, number>>, target: TargetProfile): string[] {
  return Object.keys(ops).filter((key) => {
    const [opType, domain] = splitOpKey(key);
    return !target.runs(opType, domain);
  });
}
