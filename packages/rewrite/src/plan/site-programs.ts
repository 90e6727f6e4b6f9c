import { LoweringRefusal, lowerExpression } from "../lower/lower-expression.js";
import { type Program, ProgramBuilder, programOpCounts } from "../lower/program.js";
import type { Site } from "../sites/site.js";
import { flattened, reductionLayout } from "./reduction-axes.js";
import type { SiteOption } from "./site-options.js";

/** An ONNX op with its attributes, as a native option carries it. */
export type NativeOp = NonNullable<SiteOption["native"]>;

/** A native op as a one-node program (softmax-like ops keep the site's axis); a string says why not. */
export function nativeProgram(native: NativeOp, site: Site): Program | string {
  // A contrib domain's versions are its own: the site's opset says nothing about them.
  if (!native.domain && site.opset < native.since)
    return `${native.opType} needs opset ${native.since} (the graph uses ${site.opset})`;
  if (native.opType === "PRelu")
    return "PRelu takes its slope as a tensor input; keeping the original node does the same";
  const builder = new ProgramBuilder();
  const softmaxLike = native.opType === "Softmax" || native.opType === "LogSoftmax";
  if (softmaxLike && site.axis !== undefined) {
    return builder.finish(
      builder.add(native.opType, [{ kind: "input" }], {
        attributes: [{ name: "axis", type: "int", value: site.axis }],
      }),
    );
  }
  const attributes = Object.entries(native.attributes).map(([name, value]) =>
    typeof value === "string"
      ? ({ name, type: "string", value } as const)
      : ({ name, type: "float", value } as const),
  );
  return builder.finish(
    builder.add(native.opType, [{ kind: "input" }], {
      attributes,
      ...(native.domain ? { domain: native.domain } : {}),
    }),
  );
}

/** An option's expression lowered to ops `allows` admits at the site's opset and axis; a string says why not. */
export function loweredProgram(
  option: SiteOption,
  site: Site,
  allows: (op: string) => boolean,
): Program | string {
  const layout = site.axis !== undefined ? reductionLayout(site) : undefined;
  if (typeof layout === "string") return layout;
  try {
    const program = lowerExpression(option.expression!, {
      opset: site.opset,
      allows,
      ...(layout ? { axes: layout.axes } : {}),
    });
    if (layout?.flattenAt === undefined) return program;
    const missing = ["Flatten", "Shape", "Reshape"].filter((op) => !allows(op));
    if (missing.length > 0)
      return `opset ${site.opset} ${site.rule} normalises the input flattened at axis ${site.axis} and its rank is unknown; that needs ${missing.join(", ")}`;
    return flattened(program, layout.flattenAt);
  } catch (error) {
    if (error instanceof LoweringRefusal) return error.message;
    throw error;
  }
}

/** True when a program runs exactly the ops the site already has (choosing it would change nothing). */
export function sameOpsAs(program: Program, ops: Readonly<Record<string, number>>): boolean {
  const counts = programOpCounts(program);
  const keys = Object.keys(counts);
  return keys.length === Object.keys(ops).length && keys.every((op) => counts[op] === ops[op]);
}
