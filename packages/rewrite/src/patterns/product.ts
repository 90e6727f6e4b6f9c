import type { Node, Value } from "@rectify/onnx";
import { producedBy } from "./match.js";
import { oneElementConstant } from "./pattern-constants.js";

/**
 * A value written as coefficient · ∏ factorᵖᵒʷᵉʳ by following Mul, Div and
 * Pow-by-an-integer nodes. Exporters associate the products of a decomposed
 * activation in every order (x·0.5·g, (0.5·x)·g, x·g/2), and this normal form
 * lets a rule compare them all at once.
 */
export interface Product {
  /** Non-constant factors with their integer powers (x·x·x gives x → 3, a division −1). */
  readonly factors: ReadonlyMap<Value, number>;
  /** The product of the constant factors (a division by a constant included). */
  readonly coefficient: number;
  /** The Mul, Div and Pow nodes followed, the root's producer first. */
  readonly nodes: readonly Node[];
}

/** Bounds the walk: a DAG of shared products could otherwise take exponential time. */
const visitLimit = 64;

/** Largest |exponent| a Pow may have to be expanded (x³ in tanh-GELU; anything larger is no activation). */
const largestPower = 4;

/**
 * Flattens the product tree computing `value`. Values in `leaves` (the
 * activation's input) are never expanded, so a product feeding the pattern
 * stays one factor. Never throws: odd nodes simply end the walk as factors.
 */
export function flattenProduct(value: Value, leaves: ReadonlySet<Value> = new Set()): Product {
  const factors = new Map<Value, number>();
  const nodes: Node[] = [];
  let coefficient = 1;
  let visits = 0;
  const visit = (current: Value, power: number): void => {
    const constant = oneElementConstant(current);
    if (constant !== undefined) {
      coefficient *= constant ** power;
      return;
    }
    const node = !leaves.has(current) && visits++ < visitLimit ? expandable(current) : undefined;
    if (!node) {
      const total = (factors.get(current) ?? 0) + power;
      if (total === 0) factors.delete(current);
      else factors.set(current, total);
      return;
    }
    if (!nodes.includes(node)) nodes.push(node);
    const [left, right] = node.inputs as [Value, Value];
    if (node.opType === "Pow") visit(left, power * oneElementConstant(right)!);
    else {
      visit(left, power);
      visit(right, node.opType === "Div" ? -power : power);
    }
  };
  visit(value, 1);
  return { factors, coefficient, nodes };
}

/** The factors are exactly these values, each to the given power. */
export function hasFactors(product: Product, expected: ReadonlyMap<Value, number>): boolean {
  if (product.factors.size !== expected.size) return false;
  for (const [value, power] of expected) if (product.factors.get(value) !== power) return false;
  return true;
}

/** The Mul/Div/Pow node computing `value` that the flattener follows, if any. */
function expandable(value: Value): Node | undefined {
  const node = producedBy(value, "Mul", "Div", "Pow");
  if (node?.inputs.length !== 2 || !node.inputs[0] || !node.inputs[1]) return undefined;
  if (node.opType !== "Pow") return node;
  const exponent = oneElementConstant(node.inputs[1]);
  const integral = exponent !== undefined && Number.isInteger(exponent) && exponent !== 0;
  return integral && Math.abs(exponent) <= largestPower ? node : undefined;
}
