import type { RuleTable } from "../rule-context.js";
import { elementTypes, setTensor } from "./helpers.js";

const stringType = 8;

/** Text ops: string tensors in, strings or counts out. */
export const textRules: RuleTable = {
  TfIdfVectorizer: (context) => {
    const input = context.shape(0);
    const indexes = context.attributes.ints("ngram_indexes");
    const width =
      indexes && indexes.length > 0 ? indexes.reduce((a, b) => Math.max(a, b)) + 1 : null;
    if (!input) return setTensor(context, 0, elementTypes.float, undefined);
    setTensor(
      context,
      0,
      elementTypes.float,
      input.length === 1 ? [width] : [input[0] ?? null, width],
    );
  },
  StringNormalizer: (context) => {
    const input = context.shape(0);
    setTensor(context, 0, stringType, input?.length === 2 ? [1, null] : [null]);
  },
  StringSplit: (context) => {
    const input = context.shape(0);
    setTensor(context, 0, stringType, input ? [...input, null] : undefined);
    setTensor(context, 1, elementTypes.int64, input);
  },
};
