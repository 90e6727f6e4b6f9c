import { ProgramBuilder } from "../lower/program.js";
import { constantData } from "../patterns/match.js";
import type { Site } from "../sites/site.js";
import type { TargetProfile } from "../targets/profile.js";
import type { Offer } from "./site-candidates.js";
import { disallowed } from "./site-programs.js";

/**
 * PRelu with a slope tensor (per channel, say) in ops other targets run,
 * both exact: relu(x) + a·(x − relu(x)) for any slope (x − relu(x) is
 * min(x, 0) computed without rounding), and max(x, a·x) when every a ≤ 1
 * (then a·x ≤ x for x ≥ 0 and a·x ≥ x below 0).
 */
export function slopeOffers(site: Site, target: TargetProfile): Offer[] {
  const offers: Offer[] = [];
  const reluForm = new ProgramBuilder();
  const positive = reluForm.add("Relu", [{ kind: "input" }]);
  const negative = reluForm.add("Sub", [{ kind: "input" }, positive]);
  const scaled = reluForm.add("Mul", [{ kind: "slope" }, negative]);
  offers.push({
    kind: "exact",
    label: "relu(x) + a·(x − relu(x)) (exact)",
    program:
      disallowed(["Relu", "Sub", "Mul", "Add"], target) ??
      (site.opset < 7
        ? `broadcasting Mul/Add need opset 7 (the graph uses ${site.opset})`
        : reluForm.finish(reluForm.add("Add", [positive, scaled]))),
    predictedError: 0,
  });
  offers.push({
    kind: "exact",
    label: "max(x, a·x) (exact for every a ≤ 1)",
    program: maxForm(site, target),
    predictedError: 0,
  });
  return offers;
}

function maxForm(site: Site, target: TargetProfile) {
  const values = constantData(site.slope);
  if (!values) return "the slope is not a constant, so max(x, a·x) cannot be shown to equal PRelu";
  if (values.some((a) => !(a <= 1)))
    return "the slope has values above 1, where max(x, a·x) differs";
  if (site.opset < 8) return `Max needs opset 8 (the graph uses ${site.opset})`;
  const refusal = disallowed(["Mul", "Max"], target);
  if (refusal) return refusal;
  const builder = new ProgramBuilder();
  const scaled = builder.add("Mul", [{ kind: "input" }, { kind: "slope" }]);
  return builder.finish(builder.add("Max", [{ kind: "input" }, scaled]));
}
