// Compares a probe's outputs with the reference: conformance outputs, or
// onnxruntime-node CPU's outputs for built cases.
import { type ReferenceOutput, tensorValues } from "./probe-cases.js";
import type { ProbeTensor } from "./probe-run.js";

/** |got − want| ≤ absolute + relative·|want| (onnx's backend tests use rtol 1e-3; GPUs approximate transcendental functions). */
export const probeTolerance = { absolute: 1e-4, relative: 1e-3 } as const;

/** Whether outputs match, and the first difference when not. */
export interface Comparison {
  readonly matched: boolean;
  readonly difference?: string;
}

/** Compares every reference output by name: dims, then each element within the tolerance (NaN matches NaN). */
export function compareOutputs(
  got: readonly ProbeTensor[],
  expected: readonly ReferenceOutput[],
): Comparison {
  for (const want of expected) {
    const tensor = got.find((output) => output.name === want.name);
    if (!tensor) return { matched: false, difference: `no output ${want.name}` };
    if (tensor.dims.join(",") !== want.dims.join(","))
      return {
        matched: false,
        difference: `${want.name}: dims [${tensor.dims.join(", ")}], want [${want.dims.join(", ")}]`,
      };
    const values = tensorValues(tensor);
    const reference = want.values ?? want.strings ?? [];
    if (values.length !== reference.length)
      return {
        matched: false,
        difference: `${want.name}: ${values.length} elements, want ${reference.length}`,
      };
    for (let i = 0; i < reference.length; i++) {
      const a = values[i]!;
      const b = reference[i]!;
      if (typeof a === "string" || typeof b === "string") {
        if (a !== b)
          return { matched: false, difference: `${want.name}[${i}]: "${a}", want "${b}"` };
        continue;
      }
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (a === b) continue;
      if (!(Math.abs(a - b) <= probeTolerance.absolute + probeTolerance.relative * Math.abs(b)))
        return { matched: false, difference: `${want.name}[${i}]: ${a}, want ${b}` };
    }
  }
  return { matched: true };
}

/** A probe's own outputs as a reference (built cases on onnxruntime-node's CPU provider). */
export function asReference(outputs: readonly ProbeTensor[]): ReferenceOutput[] {
  return outputs.map((output) => {
    const values = tensorValues(output);
    return output.type === "string"
      ? { name: output.name, dims: output.dims, strings: values as string[] }
      : { name: output.name, dims: output.dims, values: values as number[] };
  });
}
