// onnxruntime's fused activation kernels (com.microsoft domain) as single-node
// forms of an activation: where the target has them, a substitute can be the
// one kernel the engine would otherwise have to fuse, or cannot fuse.
import type { Activation } from "@rectify/kernels";
import type { NativeOp } from "./site-programs.js";

const microsoft = "com.microsoft";

/**
 * The onnxruntime contrib op computing an activation exactly, if there is one:
 * Gelu (erf), FastGelu (the tanh form), QuickGelu(α) = x·σ(αx) (SiLU at α = 1,
 * the sigmoid form of GELU at α = 1.702).
 */
export function engineForm(activation: Activation): NativeOp | undefined {
  switch (activation.definition.name) {
    case "gelu":
      return { opType: "Gelu", domain: microsoft, since: 1, attributes: {} };
    case "gelu-tanh":
      return { opType: "FastGelu", domain: microsoft, since: 1, attributes: {} };
    case "gelu-sigmoid":
      return { opType: "QuickGelu", domain: microsoft, since: 1, attributes: { alpha: 1.702 } };
    case "silu":
      return {
        opType: "QuickGelu",
        domain: microsoft,
        since: 1,
        attributes: { alpha: activation.params.beta ?? 1 },
      };
    default:
      return undefined;
  }
}
