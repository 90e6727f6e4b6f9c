import { type Program, ProgramBuilder, type ProgramOperand } from "../lower/program.js";
import { singleOp } from "../patterns/single-ops.js";
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import { disallowed, exactForm, type Legalisation } from "./legalisation.js";

/**
 * Hardmax as the one-hot of the first maximum: OneHot(ArgMax(x, axis), depth
 * = x's size on that axis, [0, 1], axis). From opset 13 along `axis`; before
 * 13 Hardmax works on the input flattened to 2-D at `axis`, so the same is
 * done on Flatten(x, axis) and reshaped back to Shape(x). ArgMax picks the
 * first of equal maxima, as Hardmax does.
 */
export const hardmaxLegalisation: Legalisation = {
  activation: "hardmax",
  rule: singleOp("Hardmax", (node, context) => ({
    activation: "hardmax",
    params: {},
    input: node.inputs[0]!,
    axis: node.getInt("axis", context.opset >= 13 ? -1 : 1)!,
  })),
  offers(site, target) {
    return [exactForm("one-hot of ArgMax (exact)", program(site, target))];
  },
};

function program(site: Site, target: TargetProfile): Program | string {
  if (site.opset < 11)
    return `OneHot and ArgMax with negative axes need opset 11 (the graph uses ${site.opset})`;
  const flatten = site.opset < 13;
  const refusal = disallowed(
    ["ArgMax", "OneHot", "Shape", "Gather", ...(flatten ? ["Flatten", "Reshape"] : [])],
    target,
  );
  if (refusal) return refusal;
  const builder = new ProgramBuilder();
  const x: ProgramOperand = flatten
    ? builder.add("Flatten", [{ kind: "input" }], {
        attributes: [{ name: "axis", type: "int", value: site.axis! }],
      })
    : { kind: "input" };
  const axis = flatten ? 1 : site.axis!;
  const index = builder.add("ArgMax", [x], {
    attributes: [
      { name: "axis", type: "int", value: axis },
      { name: "keepdims", type: "int", value: 0 },
    ],
  });
  const depth = builder.add("Gather", [builder.add("Shape", [x]), { kind: "axes", axes: [axis] }]);
  const hot = builder.add("OneHot", [index, depth, { kind: "vector", values: [0, 1] }], {
    attributes: [{ name: "axis", type: "int", value: axis }],
  });
  if (!flatten) return builder.finish(hot);
  return builder.finish(builder.add("Reshape", [hot, builder.add("Shape", [{ kind: "input" }])]));
}
