import { DataType } from "@rectify/onnx";
import { siteElementType } from "../lower/emit-program.js";
import { type Program, ProgramBuilder, type ProgramOperand } from "../lower/program.js";
import { floatAttribute } from "../patterns/match.js";
import { singleOp } from "../patterns/single-ops.js";
import { rankOf } from "../plan/reduction-axes.js";
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import { disallowed, exactForm, type Legalisation } from "./legalisation.js";

/**
 * LayerNormalization (opset 17) in its defining ops:
 * d = x − mean(x), y = d / √(mean(d²) + ε) · scale (+ bias), the means over
 * the axes from `axis` to the last. Only Y may be used: a node whose Mean or
 * InvStdDev output is read or returned keeps its op.
 */
export const layerNormalizationLegalisation: Legalisation = {
  activation: "layer-normalization",
  rule: singleOp("LayerNormalization", (node) => {
    const [input, scale, bias] = node.inputs;
    if (!scale) return "LayerNormalization without a scale input";
    for (const extra of node.outputs.slice(1)) {
      if (extra && (extra.uses.length > 0 || extra.isGraphOutput))
        return `LayerNormalization's output "${extra.name}" (Mean or InvStdDev) is used; only Y can be rewritten`;
    }
    const axis = node.attribute("axis");
    return {
      activation: "layer-normalization",
      params: {
        axis: axis ? Number(axis.proto.i) : -1,
        epsilon: floatAttribute(node, "epsilon", 1e-5),
      },
      input: input!,
      parameters: bias ? [scale, bias] : [scale],
    };
  }),
  offers(site, target) {
    return [exactForm("(x − mean) / √(var + ε) · scale + bias (exact)", program(site, target))];
  },
};

/** The axes normalised over, counted from the end when the rank is unknown. */
function reducedAxes(site: Site): number[] | string {
  const axis = site.params.axis!;
  if (axis < 0) return Array.from({ length: -axis }, (_, i) => axis + i);
  const rank = rankOf(site);
  if (rank === undefined)
    return `axis ${axis} is counted from the front and the input's rank is unknown`;
  if (axis >= rank) return `axis ${axis} is outside the input's rank ${rank}`;
  return Array.from({ length: rank - axis }, (_, i) => axis + i);
}

function program(site: Site, target: TargetProfile): Program | string {
  const type = siteElementType(site);
  if (type === DataType.FLOAT16 || type === DataType.BFLOAT16)
    return "16-bit float input: the op accumulates in float32, the ops written out would not";
  const axes = reducedAxes(site);
  if (typeof axes === "string") return axes;
  const ops = ["ReduceMean", "Sub", "Mul", "Add", "Sqrt", "Div"];
  const refusal = disallowed(ops, target);
  if (refusal) return refusal;
  const builder = new ProgramBuilder();
  // ReduceMean takes its axes as an attribute until opset 18, as an input from 18 on.
  const mean = (operand: ProgramOperand) =>
    site.opset < 18
      ? builder.add("ReduceMean", [operand], {
          attributes: [{ name: "axes", type: "ints", value: axes }],
        })
      : builder.add("ReduceMean", [operand, { kind: "axes", axes }]);
  const x: ProgramOperand = { kind: "input" };
  const centred = builder.add("Sub", [x, mean(x)]);
  const variance = mean(builder.add("Mul", [centred, centred]));
  const deviation = builder.add("Sqrt", [
    builder.add("Add", [variance, { kind: "constant", value: site.params.epsilon! }]),
  ]);
  const normalised = builder.add("Div", [centred, deviation]);
  const scaled = builder.add("Mul", [normalised, { kind: "parameter", index: 0 }]);
  return builder.finish(
    site.parameters?.[1] ? builder.add("Add", [scaled, { kind: "parameter", index: 1 }]) : scaled,
  );
}
