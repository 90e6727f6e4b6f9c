import { RewriteError } from "../errors/rewrite-error.js";
import type {
  EngineRules,
  QuantizationRules,
  TargetProfileData,
  TargetProfileInput,
} from "./profile-schema.js";

/**
 * A target profile is data: which ONNX ops a device or execution provider
 * runs natively, what each costs relative to an elementwise Add, and which
 * ops a substitute may be built from. Built-in profiles are JSON files in
 * this folder; users pass their own file in the same format.
 */

/** A checked target profile. */
export interface TargetProfile {
  readonly name: string;
  readonly description: string;
  readonly notes: readonly string[];
  /** Whether the target runs `opType` (of `domain`, "" for ONNX's default) natively. */
  runs(opType: string, domain?: string): boolean;
  /** Whether a substitute may use `opType` (it must also run). */
  allowsInSubstitute(opType: string, domain?: string): boolean;
  /** Relative cost of one `opType` node over a tensor (undefined when the target does not run it). */
  cost(opType: string, domain?: string): number | undefined;
  /** How the engine rewrites and runs nodes (fusions, folds, expansions, per-node overhead), when the profile says. */
  readonly engine?: EngineRules;
  /** How the device quantizes activations, when it computes in integers (defaults applied). */
  readonly quantization?: Quantization;
  /** The profile as JSON (what `rectify targets --json` prints). */
  toJSON(): TargetProfileInput;
  /** The same profile for graphs of one opset: ops whose minOpset/maxOpset exclude it do not run. */
  atOpset(opset: number): TargetProfile;
}

/** A device's integer format with the defaults applied. */
export interface Quantization {
  readonly bits: 8 | 16;
  readonly symmetric: boolean;
  /** Cells of its activation table (2^bits for one entry per input). */
  readonly tableCells: number;
  readonly note?: string;
}

function quantizationOf(rules: QuantizationRules): Quantization {
  return {
    bits: rules.bits,
    symmetric: rules.symmetric ?? rules.bits === 16,
    tableCells: rules.tableCells ?? (rules.bits === 8 ? 256 : 512),
    ...(rules.note ? { note: rules.note } : {}),
  };
}

/**
 * A profile that extends `base` (a built-in's JSON): ops merge (its own
 * entries win), an op it lists is no longer unsupported, notes add up, and
 * the rest is its own where given, else the base's.
 */
export function extendProfile(
  base: TargetProfileInput,
  own: TargetProfileInput,
): TargetProfileInput {
  const { extends: _name, ...rest } = own;
  const ops = { ...base.ops, ...own.ops };
  return {
    ...base,
    ...rest,
    ops,
    unsupported: (own.unsupported ?? base.unsupported ?? []).filter((op) => !(op in ops)),
    notes: [...(base.notes ?? []), ...(own.notes ?? [])],
  };
}

function qualified(opType: string, domain = ""): string {
  return domain === "" || domain === "ai.onnx" ? opType : `${domain}.${opType}`;
}

/**
 * A TargetProfile from profile data with defaults applied (what the schema
 * gives, or a built-in profile's JSON): checks what the schema cannot (an op
 * both run and unsupported, a substitute op the target does not run).
 */
export function profileFromData(
  data: TargetProfileData,
  source: string,
  json: TargetProfileInput = data,
): TargetProfile {
  const costs = new Map<string, number>();
  const opsetRanges = new Map<string, [number, number]>();
  for (const [op, entry] of Object.entries(data.ops)) {
    costs.set(op, typeof entry === "number" ? entry : entry.cost);
    if (
      typeof entry !== "number" &&
      (entry.minOpset !== undefined || entry.maxOpset !== undefined)
    ) {
      opsetRanges.set(op, [entry.minOpset ?? 1, entry.maxOpset ?? Number.POSITIVE_INFINITY]);
    }
  }
  const unsupported = new Set(data.unsupported);
  for (const op of unsupported) {
    if (costs.has(op))
      throw new RewriteError(
        "TARGET_INVALID",
        `${source}: ${op} is both in "ops" and in "unsupported"`,
        {
          file: source,
          path: `ops.${op}`,
        },
      );
  }
  const substitute = data.substituteOps ? new Set(data.substituteOps) : undefined;
  const runsAt =
    (opset: number | undefined) =>
    (opType: string, domain = "") => {
      // onnxruntime (and every runtime we know) turns Constant nodes into initializers when it loads a model: no device runs them.
      if (opType === "Constant" && (domain === "" || domain === "ai.onnx")) return true;
      const key = qualified(opType, domain);
      const range = opsetRanges.get(key);
      if (range && opset !== undefined && (opset < range[0] || opset > range[1])) return false;
      if (costs.has(key)) return true;
      return data.runsUnlistedOps && !unsupported.has(key);
    };
  const runs = runsAt(undefined);
  for (const op of substitute ?? []) {
    if (!runs(op))
      throw new RewriteError(
        "TARGET_INVALID",
        `${source}: substituteOps lists ${op}, which the target does not run`,
        {
          file: source,
          path: "substituteOps",
        },
      );
  }
  const view = (opset: number | undefined): TargetProfile => {
    const runsHere = runsAt(opset);
    return {
      name: data.name,
      description: data.description,
      notes: data.notes ?? [],
      ...(data.engine ? { engine: data.engine } : {}),
      ...(data.quantization ? { quantization: quantizationOf(data.quantization) } : {}),
      runs: runsHere,
      allowsInSubstitute: (opType, domain = "") =>
        runsHere(opType, domain) && (!substitute || substitute.has(qualified(opType, domain))),
      cost: (opType, domain = "") => {
        if (!runsHere(opType, domain)) return undefined;
        return costs.get(qualified(opType, domain)) ?? data.defaultCost;
      },
      toJSON: () => structuredClone(json as TargetProfileInput),
      atOpset: (other) => view(other),
    };
  };
  return view(undefined);
}
