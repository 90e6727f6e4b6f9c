import { RewriteError } from "../errors/rewrite-error.js";
import algebraic from "./algebraic.json" with { type: "json" };
import lut from "./lut.json" with { type: "json" };
import lutInt8 from "./lut-int8.json" with { type: "json" };
import lutInt16 from "./lut-int16.json" with { type: "json" };
import ortCpu from "./ort-cpu.json" with { type: "json" };
import ortWasm from "./ort-wasm.json" with { type: "json" };
import ortWebgpu from "./ort-webgpu.json" with { type: "json" };
import ortWebgpuJsep from "./ort-webgpu-jsep.json" with { type: "json" };
import piecewiseLinear from "./piecewise-linear.json" with { type: "json" };
import { extendProfile, profileFromData, type TargetProfile } from "./profile.js";
import type { TargetProfileData, TargetProfileInput } from "./profile-schema.js";
import webnn from "./webnn.json" with { type: "json" };

/** The built-in target profiles, by name, in the order `rectify targets` lists them. */
export const builtinTargets: ReadonlyMap<string, TargetProfile> = builtins([
  ortCpu,
  ortWasm,
  ortWebgpu,
  ortWebgpuJsep,
  webnn,
  algebraic,
  piecewiseLinear,
  lut,
  lutInt8,
  lutInt16,
]);

function builtins(files: readonly object[]): Map<string, TargetProfile> {
  const built = new Map<string, TargetProfile>();
  for (const json of files) {
    // Built without zod (profile.test.ts checks each against the schema): the schema's defaults, applied here.
    const own = json as TargetProfileInput;
    const input = own.extends ? extendProfile(built.get(own.extends)!.toJSON(), own) : own;
    const data: TargetProfileData = {
      ...input,
      defaultCost: input.defaultCost ?? 1,
      ops: input.ops ?? {},
      unsupported: input.unsupported ?? [],
    };
    const profile = profileFromData(data, `built-in profile ${input.name}`, input);
    built.set(profile.name, profile);
  }
  return built;
}

/** A built-in profile by name; TARGET_INVALID lists the known names. */
export function builtinTarget(name: string): TargetProfile {
  const profile = builtinTargets.get(name);
  if (!profile) {
    throw new RewriteError(
      "TARGET_INVALID",
      `unknown target "${name}"; built-in targets: ${[...builtinTargets.keys()].join(", ")} (or pass a profile .json file)`,
    );
  }
  return profile;
}
