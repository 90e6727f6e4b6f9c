import { BroadcastError, broadcastShapes } from "../dims.js";
import type { RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { setTensor } from "./helpers.js";

/** One term of an equation: its letters and where "..." sits (-1 when absent). */
interface Term {
  letters: string[];
  ellipsis: number;
}

function parseTerm(text: string): Term | undefined {
  const at = text.indexOf("...");
  const letters = (at < 0 ? text : text.replace("...", "")).split("");
  if (
    letters.some((letter) => !/^[A-Za-z]$/.test(letter)) ||
    (text.indexOf("...", at + 1) > at && at >= 0)
  )
    return undefined;
  return { letters, ellipsis: at < 0 ? -1 : text.slice(0, at).length };
}

/** Einsum: each output letter takes the size its inputs give it; "..." dims broadcast. */
const einsum: ShapeRule = (context) => {
  const elementType = context.elementType(0);
  const equation = (context.attributes.string("equation") ?? "").replace(/\s/g, "");
  const [left, right] = equation.split("->");
  if (left === undefined || equation.split("->").length > 2) return;
  const terms = left.split(",").map(parseTerm);
  if (terms.length !== context.inputCount || terms.some((term) => !term)) return;
  const sizes = new Map<string, Dim>();
  const counts = new Map<string, number>();
  const ellipses: (readonly Dim[] | undefined)[] = [];
  let anyEllipsis = false;
  for (const [index, term] of (terms as Term[]).entries()) {
    const shape = context.shape(index);
    for (const letter of term.letters) counts.set(letter, (counts.get(letter) ?? 0) + 1);
    if (!shape) {
      for (const letter of term.letters) if (!sizes.has(letter)) sizes.set(letter, null);
      ellipses.push(undefined);
      anyEllipsis ||= term.ellipsis >= 0;
      continue;
    }
    const extra = shape.length - term.letters.length;
    if (extra < 0 || (term.ellipsis < 0 && extra !== 0))
      return context.conflict(`einsum term ${index} does not fit rank ${shape.length}`);
    const head = term.ellipsis < 0 ? term.letters.length : term.ellipsis;
    term.letters.forEach((letter, at) => {
      const dim = shape[at < head ? at : at + extra] ?? null;
      const seen = sizes.get(letter);
      // A letter sized 1 in one input may broadcast against another: keep the larger fixed size.
      if (seen === undefined || seen === 1 || (seen === null && dim !== 1)) sizes.set(letter, dim);
      else if (typeof seen === "string" && typeof dim === "number" && dim !== 1)
        sizes.set(letter, dim);
      else if (typeof seen === "string" && typeof dim === "string" && seen !== dim)
        sizes.set(letter, null);
      else if (typeof seen === "number" && typeof dim === "number" && seen !== dim && dim !== 1)
        sizes.set(letter, null);
    });
    if (term.ellipsis >= 0) {
      anyEllipsis = true;
      ellipses.push(shape.slice(head, head + extra));
    }
  }
  const ellipsisShape = anyEllipsis ? broadcastShapes(ellipses) : [];
  if (ellipsisShape instanceof BroadcastError)
    return context.conflict(`einsum "..." dims: ${ellipsisShape.message}`);
  let output: Term | undefined;
  if (right === undefined) {
    const single = [...counts]
      .filter(([, count]) => count === 1)
      .map(([letter]) => letter)
      .sort();
    output = { letters: single, ellipsis: anyEllipsis ? 0 : -1 };
  } else output = parseTerm(right);
  if (!output || output.letters.some((letter) => !sizes.has(letter))) return;
  const dims = output.letters.map((letter) => sizes.get(letter) ?? null);
  if (output.ellipsis < 0) return setTensor(context, 0, elementType, dims);
  if (!ellipsisShape) return setTensor(context, 0, elementType, undefined);
  setTensor(context, 0, elementType, [
    ...dims.slice(0, output.ellipsis),
    ...ellipsisShape,
    ...dims.slice(output.ellipsis),
  ]);
};

/** Einsum. */
export const einsumRules: RuleTable = { Einsum: einsum };
