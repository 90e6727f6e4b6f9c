import { isSize } from "../dims.js";
import type { RuleTable, ShapeRule } from "../rule-context.js";
import type { Dim } from "../types.js";
import { setTensor } from "./helpers.js";

/** RNN, GRU and LSTM: Y, Y_h (and LSTM's Y_c) from X's layout, the direction and the hidden size. */
function recurrent(gates: number): ShapeRule {
  return (context) => {
    const input = context.shape(0);
    const elementType = context.elementType(0);
    const read = context.attributes;
    const direction = read.string("direction") ?? "forward";
    const directions = direction === "bidirectional" ? 2 : 1;
    const layout = context.opset >= 14 ? (read.int("layout") ?? 0) : 0;
    let hidden: Dim = read.int("hidden_size") ?? null;
    if (hidden === null) {
      const recurrence = context.shape(2)?.[2];
      const weights = context.shape(1)?.[1];
      if (isSize(recurrence)) hidden = recurrence;
      else if (isSize(weights) && weights % gates === 0) hidden = weights / gates;
    }
    if (input && input.length !== 3)
      return context.conflict(`X must be 3-D, not rank ${input.length}`);
    const sequence = input ? (input[layout === 0 ? 0 : 1] ?? null) : null;
    const batch = input ? (input[layout === 0 ? 1 : 0] ?? null) : null;
    const y =
      layout === 0 ? [sequence, directions, batch, hidden] : [batch, sequence, directions, hidden];
    const state = layout === 0 ? [directions, batch, hidden] : [batch, directions, hidden];
    setTensor(context, 0, elementType, y);
    setTensor(context, 1, elementType, state);
    if (gates === 4) setTensor(context, 2, elementType, state);
  };
}

/** Recurrent layers. */
export const recurrentRules: RuleTable = {
  RNN: recurrent(1),
  GRU: recurrent(3),
  LSTM: recurrent(4),
};
