// Provenance of rewritten nodes: every node a substitution makes carries a
// doc_string naming the site it replaced (rule, activation, parameters,
// output) and the stand-in. The site finder reads it back, so a rewritten
// model re-targeted to another device can have its substitutes planned again.
import type { Parameters } from "@rectify/kernels";
import type { Node } from "@rectify/onnx";
import { formatError } from "../format-error.js";

/** The doc_string prefix of every node rectify creates; sites made only of such nodes are not rewritten again. */
export const rectifyDocPrefix = "rectify:";

/** True when every node of a site was made by an earlier rectify rewrite. */
export function madeByRectify(nodes: readonly Node[]): boolean {
  return nodes.length > 0 && nodes.every((node) => node.docString.startsWith(rectifyDocPrefix));
}

/**
 * The doc_string of every node a substitution makes: which rule found the
 * site, its activation and parameters, the output it computes, the stand-in
 * and its predicted error — enough to plan the site again for another target.
 */
export function rectifyDoc(
  rule: string,
  activation: string,
  params: Parameters,
  output: string,
  label: string,
  error: number,
): string {
  return `${rectifyDocPrefix} ${rule} (${activation}${JSON.stringify(params)}) at ${JSON.stringify(output)} → ${label}; predicted max |error| ${formatError(error)}`;
}

/** What a rectify doc_string says, or undefined for other doc strings. */
export function parseRectifyDoc(
  doc: string,
):
  | { rule: string; activation: string; params: Parameters; output: string; label: string }
  | undefined {
  const match =
    /^rectify: (\S+) \(([a-z0-9-]+)(\{.*?\})\) at ("(?:[^"\\]|\\.)*") → (.*); predicted max \|error\| \S+$/.exec(
      doc,
    );
  if (!match) return undefined;
  try {
    const params = JSON.parse(match[3]!) as Parameters;
    return {
      rule: match[1]!,
      activation: match[2]!,
      params,
      output: JSON.parse(match[4]!) as string,
      label: match[5]!,
    };
  } catch {
    return undefined;
  }
}
