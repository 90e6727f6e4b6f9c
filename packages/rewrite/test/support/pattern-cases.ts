// The data a rule's table-driven tests read (test/patterns/patterns.test.ts):
// the ways of writing its pattern that it must recognise, and the near misses
// it must refuse. A rule's cases are one `<rule>.cases.ts` file exporting a
// PatternCases, listed in test/patterns/index.ts.
import { DataType, type GraphBuilder, ModelBuilder, type Value } from "@rectify/onnx";
import {
  addConsumer,
  constantWriter,
  exposeAsOutput,
  type PatternBuild,
  type PatternVariant,
  type WriteConstant,
} from "./pattern-test-support.js";

/** A way of writing the pattern that the rule must recognise as a site covering the whole graph. */
export interface VariantCase extends PatternVariant {
  /** The site's parameters, each to 6 digits; the site must have exactly these (none when omitted). */
  readonly params?: Readonly<Record<string, number>>;
  /** The number of nodes the site must cover, when the title promises it. */
  readonly nodeCount?: number;
}

/** Something close to the pattern that the rule must not take for a site. */
export interface NearMissCase extends PatternVariant {
  /** The rule must report a near miss whose reason matches this. */
  readonly reason?: RegExp;
  /** The rule must report no near miss either (it is not the pattern at all). */
  readonly silent?: true;
}

/** One rule's cases. */
export interface PatternCases {
  /** The rule's name as its sites and near misses report it. */
  readonly rule: string;
  /** The activation its sites name. */
  readonly activation: string;
  /** The usual form: searched for in If/Loop bodies and functions, and damaged by the fuzz test. */
  readonly canonical: PatternBuild;
  readonly variants: readonly VariantCase[];
  readonly nearMisses: readonly NearMissCase[];
}

/**
 * A pattern build that passes the inner values worth spoiling through
 * `inner`, which by default leaves them alone (so it is a PatternBuild too).
 */
export type SpoilableBuild = (
  graph: GraphBuilder,
  x: Value,
  constant: WriteConstant,
  inner?: (value: Value) => Value,
) => Value;

/** The default `inner` of a SpoilableBuild: the value as it is. */
export const unspoiled = (value: Value): Value => value;

/** Escapes text for use inside a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The op type and name of each value `build` passes through `inner`, in call order. */
function innerValues(build: SpoilableBuild): { opType: string; name: string }[] {
  const builder = new ModelBuilder({ opset: 17, seed: 1 });
  const x = builder.input("x", DataType.FLOAT, [4]);
  const found: { opType: string; name: string }[] = [];
  build(builder, x, constantWriter(builder, "scalar"), (value) => {
    found.push({ opType: value.producer?.opType ?? "(no producer)", name: value.name });
    return value;
  });
  return found;
}

/**
 * Near misses made from `build` by spoiling each inner value it marks in turn:
 * read by one more node, or made a graph output. The rule must say which value
 * and why (the spoiled value is named as it is in the clean build, since the
 * spoil comes after it).
 */
export function innerValueCases(build: SpoilableBuild): NearMissCase[] {
  const spoils = [
    { spoil: addConsumer, says: "has other consumers", title: "has another consumer" },
    { spoil: exposeAsOutput, says: "is a graph output", title: "is a graph output" },
  ];
  return innerValues(build).flatMap(({ opType, name }, target) =>
    spoils.map(({ spoil, says, title }) => ({
      name: `the pattern when ${opType}'s output "${name}" ${title}`,
      reason: new RegExp(
        `inner value "${literal(name)}" \\(from ${literal(opType)} [^)]*\\) ${says}`,
      ),
      build: (graph, x, constant) => {
        let seen = 0;
        return build(graph, x, constant, (value) => {
          if (seen++ === target) spoil(graph, value);
          return value;
        });
      },
    })),
  );
}
