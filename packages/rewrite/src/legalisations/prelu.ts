import { ProgramBuilder } from "../lower/program.js";
import { constantData } from "../patterns/match.js";
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import { disallowed, exactForm, type Legalisation } from "./legalisation.js";

/**
 * PRelu with a slope tensor (per channel, say) — the single-op rule gives it
 * as parameter 0 — in ops other targets run, both exact: relu(x) + a·(x −
 * relu(x)) for any slope (x − relu(x) is min(x, 0) with no rounding), and
 * max(x, a·x) when every a ≤ 1 (then a·x ≤ x for x ≥ 0 and a·x ≥ x below 0).
 * A one-number slope is the catalog's prelu{a}.
 */
export const preluLegalisation: Legalisation = {
  activation: "prelu",
  offers(site, target) {
    if (!site.parameters?.[0]) return undefined;
    return [
      exactForm("relu(x) + a·(x − relu(x)) (exact)", reluForm(site, target)),
      exactForm("max(x, a·x) (exact for every a ≤ 1)", maxForm(site, target)),
    ];
  },
};

function reluForm(site: Site, target: TargetProfile) {
  if (site.opset < 7) return `broadcasting Mul/Add need opset 7 (the graph uses ${site.opset})`;
  const refusal = disallowed(["Relu", "Sub", "Mul", "Add"], target);
  if (refusal) return refusal;
  const builder = new ProgramBuilder();
  const positive = builder.add("Relu", [{ kind: "input" }]);
  const negative = builder.add("Sub", [{ kind: "input" }, positive]);
  const scaled = builder.add("Mul", [{ kind: "parameter", index: 0 }, negative]);
  return builder.finish(builder.add("Add", [positive, scaled]));
}

function maxForm(site: Site, target: TargetProfile) {
  const values = constantData(site.parameters![0]);
  if (!values) return "the slope is not a constant, so max(x, a·x) cannot be shown to equal PRelu";
  if (values.some((a) => !(a <= 1)))
    return "the slope has values above 1, where max(x, a·x) differs";
  if (site.opset < 8) return `Max needs opset 8 (the graph uses ${site.opset})`;
  const refusal = disallowed(["Mul", "Max"], target);
  if (refusal) return refusal;
  const builder = new ProgramBuilder();
  const scaled = builder.add("Mul", [{ kind: "input" }, { kind: "parameter", index: 0 }]);
  return builder.finish(builder.add("Max", [{ kind: "input" }, scaled]));
}
