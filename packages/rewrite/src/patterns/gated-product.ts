import type { Parameters } from "@rectify/kernels";
import type { Node, Value } from "@rectify/onnx";
import { matchesConstant, oneElementConstant, wrongConstant } from "./pattern-constants.js";
import { flattenProduct, hasFactors, type Product } from "./product.js";
import type { MatchContext, PatternMatch } from "./rule.js";
import { containmentProblem } from "./self-contained.js";

/** What a gate reader found: the activation c·x·g(x) computes and the nodes computing g from x. */
export interface GateMatch {
  readonly activation: string;
  readonly params: Parameters;
  readonly nodes: readonly Node[];
  /** The constant c the product must have (½ for GELU, 1/6 for x·relu6(x + 3)/6). */
  readonly coefficient: number;
}

/** Recognises one kind of gate g(x) (½(1 + erf(x/√2)), σ(βx), tanh(softplus x), …). */
export interface GateReader {
  /** A cheap test on a factor of the product: could it be this gate? */
  isGate(value: Value): boolean;
  /** Reads the gate taking `x` as the activation's input: undefined when it is not, a reason when a constant is off. */
  read(gate: Value, x: Value, context: MatchContext): GateMatch | string | undefined;
}

/** How far above the gate the activation's input is looked for (tanh-GELU's is 4 values up). */
const candidateLimit = 24;

/**
 * Matches y = c · x · g(x) at `anchor` (a Mul or Div): finds a factor the
 * reader calls a gate, then tries the values the gate reads, nearest first,
 * as x, and accepts the first for which the product is exactly c · x · gate.
 * Constant nodes never join the match's nodes: they may be shared, and the
 * ones left unread go with a dead-node pass.
 */
export function matchGatedProduct(
  anchor: Node,
  context: MatchContext,
  reader: GateReader,
): PatternMatch | string | undefined {
  const output = anchor.outputs[0];
  if (!output) return undefined;
  const whole = flattenProduct(output);
  if (whole.nodes[0] !== anchor) return undefined;
  let nearMiss: string | undefined;
  for (const [gate, power] of whole.factors) {
    if (power !== 1 || !reader.isGate(gate)) continue;
    for (const input of upstreamValues(gate)) {
      const expected = new Map([
        [input, 1],
        [gate, 1],
      ]);
      const product = flattenProduct(output, new Set(expected.keys()));
      if (!hasFactors(product, expected)) continue;
      const found = reader.read(gate, input, context);
      if (found === undefined) continue;
      if (typeof found === "string") {
        nearMiss ??= found;
        continue;
      }
      if (!matchesConstant(product.coefficient, found.coefficient)) {
        // A Mul/Div inside the tree that already has the right constant is the site; this node only rescales it.
        if (!innerProductFits(product, expected, found.coefficient))
          nearMiss ??= wrongConstant(
            "the product's constant factor",
            product.coefficient,
            found.coefficient,
          );
        continue;
      }
      const nodes = [...new Set([...product.nodes, ...found.nodes])];
      const escaping = containmentProblem(nodes, anchor, output);
      if (escaping) {
        nearMiss ??= escaping;
        continue;
      }
      return { activation: found.activation, params: found.params, input, output, nodes };
    }
  }
  // The Mul/Div by a constant reading this value is where the whole pattern is judged.
  return nearMiss === undefined || scaledByConstant(output) ? undefined : nearMiss;
}

/** Values the gate depends on, nearest first, constants left out. */
function upstreamValues(gate: Value): Value[] {
  const seen = new Set<Value>([gate]);
  const found: Value[] = [];
  let frontier = [gate];
  while (frontier.length > 0 && found.length < candidateLimit) {
    const next: Value[] = [];
    for (const value of frontier) {
      for (const input of value.producer?.inputs ?? []) {
        if (!input || seen.has(input)) continue;
        seen.add(input);
        if (oneElementConstant(input) !== undefined) continue;
        found.push(input);
        next.push(input);
      }
    }
    frontier = next;
  }
  return found.slice(0, candidateLimit);
}

/** Whether a node inside the product tree computes x · gate with the expected constant. */
function innerProductFits(
  product: Product,
  expected: ReadonlyMap<Value, number>,
  coefficient: number,
): boolean {
  return product.nodes.slice(1).some((node) => {
    const value = node.outputs[0];
    if (!value) return false;
    const inner = flattenProduct(value, new Set(expected.keys()));
    return hasFactors(inner, expected) && matchesConstant(inner.coefficient, coefficient);
  });
}

/** True when a Mul or Div by a constant reads `value`, so `value` is not the top of its product. */
function scaledByConstant(value: Value): boolean {
  return value.uses.some(({ node, index }) => {
    if (node.domain !== "" || node.inputs.length !== 2) return false;
    const other = node.inputs[1 - index];
    if (oneElementConstant(other) === undefined) return false;
    return node.opType === "Mul" || (node.opType === "Div" && index === 0);
  });
}
