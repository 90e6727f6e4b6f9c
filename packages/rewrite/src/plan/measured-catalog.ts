import { exactActivations } from "@rectify/kernels";
import { ignoreMeasuredSnapshot, measuredPairs } from "./measure.js";
import { siteOptions } from "./site-options.js";

/** Activations sites can be that have no kernels definition of their own. */
const composedActivations = ["log-softmax"];

/** Default parameters rounded to float32, as a model's attributes hold them. */
function float32Defaults(name: string): Record<string, number> {
  const definition = exactActivations.find((entry) => entry.name === name);
  return Object.fromEntries(
    (definition?.parameters ?? []).map((spec) => [spec.name, Math.fround(spec.default)]),
  );
}

/** Measures, without the snapshot, every stand-in of every activation at float32-rounded defaults (what measured-catalog.json holds). */
export function measuredCatalog(): ReturnType<typeof measuredPairs> {
  ignoreMeasuredSnapshot();
  for (const name of [...exactActivations.map((entry) => entry.name), ...composedActivations]) {
    siteOptions({ activation: name, params: float32Defaults(name) });
  }
  return measuredPairs();
}
