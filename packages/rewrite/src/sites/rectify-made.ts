import type { Node, Value } from "@rectify/onnx";
import { constantData } from "../patterns/match.js";
import type { SiteRule } from "../patterns/rule.js";
import { parseRectifyDoc } from "./provenance.js";

/**
 * A substitute an earlier rewrite made: the nodes that carry one site's
 * rectify doc_string, read back as that site (its activation, parameters,
 * input and output), so that another target can plan it again. The anchor is
 * the node producing the recorded output.
 */
export const rectifyMadeRule: SiteRule = {
  name: "rectify-substitute",
  anchors: ["*"],
  domain: "",
  // Larger than any pattern: its nodes must not be read as a leaky-relu-max or hard-swish inside.
  size: 1000,
  match(anchor) {
    const recorded = parseRectifyDoc(anchor.docString);
    const output = anchor.outputs[0];
    if (!recorded || !output || output.name !== recorded.output) return undefined;
    const group = new Set<Node>([anchor]);
    const outside = new Set<Value>();
    const work = [anchor];
    while (work.length > 0) {
      const node = work.pop()!;
      for (const input of node.inputs) {
        if (!input) continue;
        const producer = input.producer;
        if (
          producer &&
          producer.graph === anchor.graph &&
          producer.docString === anchor.docString
        ) {
          if (!group.has(producer)) {
            group.add(producer);
            work.push(producer);
          }
        } else if (constantData(input) === undefined) outside.add(input);
      }
    }
    // One tensor in: the activation's argument (a bias or slope tensor makes it ambiguous).
    if (outside.size !== 1)
      return `substitute at ${recorded.output} reads ${outside.size} tensors from outside`;
    const [input] = outside;
    return {
      activation: recorded.activation,
      params: recorded.params,
      input: input!,
      output,
      nodes: [...group],
    };
  },
};
