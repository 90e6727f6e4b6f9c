import { z } from "zod";
import { RewriteError } from "../errors/rewrite-error.js";

/**
 * A target profile is data: which ONNX ops a device or execution provider
 * runs natively, what each costs relative to an elementwise Add, and which
 * ops a substitute may be built from. Built-in profiles are JSON files in
 * this folder; users pass their own file in the same format.
 */

const opName = z.string().regex(/^([a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.)?[A-Z][A-Za-z0-9]*$/, {
  message: 'an op type such as "Sqrt", or "com.microsoft.FastGelu" for another domain',
});

const opEntry = z.union([
  z.number().positive().finite(),
  z
    .object({
      cost: z.number().positive().finite(),
      /** The op runs only from this opset on (a provider with kernels for some opset versions only). */
      minOpset: z.number().int().min(1).optional(),
      /** …and only up to this opset (a provider that lacks the newest version's kernel). */
      maxOpset: z.number().int().min(1).optional(),
      note: z.string().optional(),
    })
    .strict()
    .refine(
      (entry) =>
        entry.minOpset === undefined ||
        entry.maxOpset === undefined ||
        entry.minOpset <= entry.maxOpset,
      { message: "minOpset must not exceed maxOpset" },
    ),
]);

/** The JSON format of a profile (what `rectify optimize --target profile.json` reads). */
export const targetProfileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: "kebab-case, e.g. my-npu" }),
    description: z.string().min(1),
    /** Relative cost of ops not listed in `ops` that the target runs (when `runsUnlistedOps`). */
    defaultCost: z.number().positive().finite().default(1),
    /** True: ops not listed and not in `unsupported` run natively (a general-purpose runtime); false: only listed ops run. */
    runsUnlistedOps: z.boolean(),
    /** Ops the target runs, each with a relative cost (a number, or { cost, note }). */
    ops: z.record(opName, opEntry).default({}),
    /** Ops the target lacks (only meaningful with runsUnlistedOps). */
    unsupported: z.array(opName).default([]),
    /** When present, substitutes may use only these ops (a subset of what the target runs). */
    substituteOps: z.array(opName).optional(),
    /** Why the profile says what it says (sources, measurements). */
    notes: z.array(z.string()).optional(),
  })
  .strict();

/** A profile as written in JSON. */
export type TargetProfileInput = z.input<typeof targetProfileSchema>;

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
  /** The profile as JSON (what `rectify targets --json` prints). */
  toJSON(): TargetProfileInput;
  /** The same profile for graphs of one opset: ops whose minOpset/maxOpset exclude it do not run. */
  atOpset(opset: number): TargetProfile;
}

function qualified(opType: string, domain = ""): string {
  return domain === "" || domain === "ai.onnx" ? opType : `${domain}.${opType}`;
}

/**
 * Checks a parsed JSON value against the schema; TARGET_INVALID names the
 * first problems by JSON path (`ops.Sqrt: expected a positive number`).
 */
export function parseTargetProfile(json: unknown, source = "profile"): TargetProfile {
  const parsed = targetProfileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => {
      const path = issue.path.map(String).join(".") || "(top level)";
      return `${path}: ${issue.message}`;
    });
    const more =
      parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : "";
    throw new RewriteError(
      "TARGET_INVALID",
      `${source} is not a valid target profile: ${problems.join("; ")}${more}`,
      {
        file: source,
        path: parsed.error.issues[0]?.path.map(String).join("."),
      },
    );
  }
  const data = parsed.data;
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
