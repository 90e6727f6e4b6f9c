import * as z from "zod/mini";
import { en } from "zod/v4/locales";
import { RewriteError } from "../errors/rewrite-error.js";
import { builtinTargets } from "./index.js";
import { extendProfile, profileFromData, type TargetProfile } from "./profile.js";

// The JSON format of target profiles, checked with zod. Only user files go
// through it: built-in profiles are checked against it by the tests and built
// without it (targets/index.ts), so code that needs just the built-ins (the
// runtime's fallback report) does not load zod.

const opName = z.string().check(
  z.regex(/^([a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.)?[A-Z][A-Za-z0-9]*$/, {
    message: 'an op type such as "Sqrt", or "com.microsoft.FastGelu" for another domain',
  }),
);

const positiveCost = () => z.number().check(z.positive());
const opsetNumber = () => z.optional(z.number().check(z.int(), z.minimum(1)));

const opEntry = z.union([
  positiveCost(),
  z
    .strictObject({
      cost: positiveCost(),
      /** The op runs only from this opset on (a provider with kernels for some opset versions only). */
      minOpset: opsetNumber(),
      /** …and only up to this opset (a provider that lacks the newest version's kernel). */
      maxOpset: opsetNumber(),
      note: z.optional(z.string()),
    })
    .check(
      z.refine(
        (entry) =>
          entry.minOpset === undefined ||
          entry.maxOpset === undefined ||
          entry.minOpset <= entry.maxOpset,
        { message: "minOpset must not exceed maxOpset" },
      ),
    ),
]);

/** How the engine rewrites activations before it runs them (onnxruntime's own graph optimizations). */
const engineRules = z.strictObject({
  /** What running one more node costs beyond its per-element cost, in elements of one Add: a node over n elements costs `ops[op] + nodeOverhead / n` per element. */
  nodeOverhead: z.optional(z.number().check(z.nonnegative())),
  /** Nanoseconds one Add takes per element (1 cost unit of one element), to turn costs into time. */
  addNanoseconds: z.optional(positiveCost()),
  /** Recognised patterns (a rewrite rule's name) the engine fuses into one kernel; `withBias` when a bias Add before it goes in too. */
  fusions: z.optional(
    z.array(
      z.strictObject({
        pattern: z.string().check(z.minLength(1)),
        becomes: opName,
        withBias: z.optional(opName),
      }),
    ),
  ),
  /** Single ops the engine folds into the op before them (a Relu into its Conv) when nothing else reads that op's output. */
  folds: z.optional(z.array(z.strictObject({ ops: z.array(opName), into: z.array(opName) }))),
  /** Ops the engine runs as several kernels (HardSwish as HardSigmoid and Mul). */
  expands: z.optional(z.record(opName, z.record(opName, z.number().check(z.int(), z.positive())))),
  notes: z.optional(z.array(z.string())),
});

/** How the device holds activations, when it works in integers. */
const quantizationRules = z
  .strictObject({
    /** int8 or int16 tensors. */
    bits: z.union([z.literal(8), z.literal(16)]),
    /** Zero point 0 and one scale for ±(default: false for int8, true for int16, as TFLite and most NPUs do). */
    symmetric: z.optional(z.boolean()),
    /** Cells of the device's activation table, a power of two (default: one per input for int8, 512 for int16). */
    tableCells: z.optional(z.number().check(z.int(), z.minimum(2), z.maximum(65536))),
    note: z.optional(z.string()),
  })
  .check(
    z.refine(
      (q) =>
        q.tableCells === undefined ||
        (Number.isInteger(Math.log2(q.tableCells)) && q.tableCells <= 2 ** q.bits),
      { message: "tableCells must be a power of two no larger than 2^bits", path: ["tableCells"] },
    ),
  );

/**
 * The JSON format of a profile (what `rectify optimize --target profile.json`
 * reads), in zod/mini: the same checks as zod's classic API at a tenth of the
 * bundle (measured: 7.5 KB against 93.5 KB minified+gzip for this schema).
 */
export const targetProfileSchema = z.strictObject({
  $schema: z.optional(z.string()),
  /** A built-in profile this one starts from: its ops, unsupported ops, substitute ops, engine and quantization apply unless given here (ops merge; an op listed here is no longer unsupported). */
  extends: z.optional(z.string()),
  name: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/, { message: "kebab-case, e.g. my-npu" })),
  description: z.string().check(z.minLength(1)),
  /** Relative cost of ops not listed in `ops` that the target runs (when `runsUnlistedOps`). */
  defaultCost: z._default(positiveCost(), 1),
  /** True: ops not listed and not in `unsupported` run natively (a general-purpose runtime); false: only listed ops run. */
  runsUnlistedOps: z.boolean(),
  /** Ops the target runs, each with a relative cost (a number, or { cost, note }). */
  ops: z._default(z.record(opName, opEntry), {}),
  /** Ops the target lacks (only meaningful with runsUnlistedOps). */
  unsupported: z._default(z.array(opName), []),
  /** When present, substitutes may use only these ops (a subset of what the target runs). */
  substituteOps: z.optional(z.array(opName)),
  /** The engine's own graph rewrites and per-node overhead: costs of what it really runs. */
  engine: z.optional(engineRules),
  /** The device computes in integers: activations are quantized per tensor, and stand-ins are tables on its grid. */
  quantization: z.optional(quantizationRules),
  /** Why the profile says what it says (sources, measurements). */
  notes: z.optional(z.array(z.string())),
});

/** The quantization part of a profile. */
export type QuantizationRules = z.output<typeof quantizationRules>;

/** The engine part of a profile. */
export type EngineRules = z.output<typeof engineRules>;

/** A profile as written in JSON. */
export type TargetProfileInput = z.input<typeof targetProfileSchema>;

/** A profile after the schema's defaults are applied. */
export type TargetProfileData = z.output<typeof targetProfileSchema>;

let localeSet = false;

/**
 * Checks a parsed JSON value against the schema; TARGET_INVALID names the
 * first problems by JSON path (`ops.Sqrt: expected a positive number`).
 */
export function parseTargetProfile(json: unknown, source = "profile"): TargetProfile {
  // zod/mini carries no messages of its own; English ones, set on first use (as zod's classic API does on import).
  if (!localeSet) {
    z.config(en());
    localeSet = true;
  }
  const parsed = targetProfileSchema.safeParse(withBase(json, source));
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
  return profileFromData(parsed.data, source, json as TargetProfileInput);
}

/** A profile that names a built-in in `extends`, merged onto it (anything else as it is). */
function withBase(json: unknown, source: string): unknown {
  if (typeof json !== "object" || json === null || !("extends" in json)) return json;
  const name = (json as { extends: unknown }).extends;
  const base = typeof name === "string" ? builtinTargets.get(name) : undefined;
  if (!base)
    throw new RewriteError(
      "TARGET_INVALID",
      `${source}: "extends" must name a built-in target (${[...builtinTargets.keys()].join(", ")}), got ${JSON.stringify(name)}`,
      { file: source, path: "extends" },
    );
  return extendProfile(base.toJSON(), json as TargetProfileInput);
}
