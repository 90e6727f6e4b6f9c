// The bench report, version 1: the JSON `--json` writes, the data the HTML
// report and the browser page draw. One zod schema is the source of truth:
// the types below come from it, `pnpm --filter @rectify/bench schema` writes
// it as JSON Schema (report.schema.json), and tests validate every report
// against it. Stable: fields are only added; a change of meaning bumps `schema`.
import { z } from "zod";

import { reportSchemaId } from "./schema-id.js";

export { reportSchemaId };

const histogram = z
  .record(z.string(), z.number().int())
  .describe("Node count per op type (domain-qualified outside the default domain)");

const latencyCase = z.object({
  median: z.number().describe("Median milliseconds per run"),
  p90: z.number().describe("90th percentile, milliseconds"),
  spread: z.number().describe("(p90 − p10) / median"),
});

export const latencySchema = z
  .object({
    original: latencyCase,
    optimized: latencyCase,
    speedup: z
      .number()
      .describe("original median / optimized median, from the paired rounds (> 1: faster)"),
    speedupLow: z.number().describe("Low end of the 95% bootstrap interval of the speedup"),
    speedupHigh: z.number().describe("High end of the 95% bootstrap interval of the speedup"),
    rounds: z.number().int(),
    noisy: z
      .boolean()
      .describe("True when load, spread or the same-model control say the numbers are unreliable"),
    noise: z.array(z.string()).describe("Why it is noisy"),
    control: z
      .object({ speedup: z.number(), speedupLow: z.number(), speedupHigh: z.number() })
      .optional()
      .describe("The original against a second session of itself: ideally 1"),
  })
  .describe("Interleaved rounds of both models in one process (the runtime's latency engine)");

export const accuracySchema = z
  .object({
    maxAbs: z
      .number()
      .nullable()
      .describe("Max |optimized − original| over every output element (null: NaN/Inf)"),
    cosine: z
      .number()
      .nullable()
      .describe("Lowest cosine similarity of an output, as flat vectors"),
    top1: z
      .number()
      .nullable()
      .describe(
        "Share of rows (last axis ≥ 2 classes) whose argmax agrees; null when no output has classes",
      ),
    nonFinite: z.number().int().describe("Elements NaN/Inf in one model and finite in the other"),
  })
  .describe("Outputs of the optimized model against the original's, same provider, same feeds");

const placedSide = z.object({
  computeNodesOnCpu: z.number().int(),
  shapeNodesOnCpu: z.number().int(),
  cpuOps: z
    .record(z.string(), z.number().int())
    .optional()
    .describe("The compute nodes on the CPU by op type"),
});

export const fallbackSchema = z
  .object({
    predicted: z
      .object({
        original: z.number().int(),
        optimized: z.number().int(),
      })
      .describe("Nodes the target profile says the provider cannot run"),
    placed: z
      .object({
        original: placedSide,
        optimized: placedSide,
      })
      .optional()
      .describe(
        "Where onnxruntime placed the nodes, read from its session log (browser WebGPU providers)",
      ),
  })
  .describe("CPU fallback on GPU providers");

export const runSchema = z.object({
  model: z.string(),
  target: z.string(),
  provider: z.string(),
  environment: z.enum(["node", "chromium"]),
  status: z
    .enum(["measured", "unchanged", "failed"])
    .describe("unchanged: the rewrite changed nothing for this target, so nothing was timed"),
  error: z.string().optional().describe("What failed (status failed), with its code"),
  accuracy: accuracySchema.optional(),
  latency: latencySchema.optional(),
  fallback: fallbackSchema.optional(),
});

export const optimizationSchema = z.object({
  model: z.string(),
  target: z.string(),
  budget: z.number(),
  changed: z.boolean(),
  milliseconds: z
    .number()
    .describe("Time optimizeModel took (planning and rewriting, no verification)"),
  sites: z.number().int(),
  substituted: z.number().int(),
  unsupported: z.number().int().describe("Sites the target still cannot run within the budget"),
  unsupportedOps: z.array(z.object({ op: z.string(), count: z.number().int() })),
  sizeBytes: z.number().int(),
  ops: histogram,
  error: z.string().optional(),
});

export const modelSchema = z.object({
  id: z.string(),
  source: z.enum(["generated", "npm", "torch", "user"]),
  description: z.string(),
  activations: z.array(z.string()),
  sizeBytes: z.number().int(),
  opset: z.number().int(),
  nodes: z.number().int(),
  ops: histogram,
  inputs: z.record(z.string(), z.array(z.number().int())).describe("Input dims used for every run"),
  error: z.string().optional().describe("Why the model could not be loaded or fed"),
});

export const sweepPointSchema = z.object({
  budget: z.number(),
  options: z
    .string()
    .describe(
      'The accuracy-aware options of this point, e.g. "fit", "max-output-error 1e-3", "default"',
    ),
  substituted: z.number().int(),
  maxAbs: z.number().nullable(),
  top1: z.number().nullable(),
  speedup: z.number(),
  speedupLow: z.number(),
  speedupHigh: z.number(),
  pareto: z
    .boolean()
    .describe("On the Pareto front: no other point is both more accurate and faster"),
});

export const sweepSchema = z.object({
  model: z.string(),
  target: z.string(),
  provider: z.string(),
  points: z.array(sweepPointSchema),
  error: z.string().optional(),
});

const kernelRow = z.object({
  id: z.string(),
  kind: z.enum(["activation", "approximation"]),
  transcendental: z.boolean(),
  fused: z
    .boolean()
    .optional()
    .describe("The WASM module has a fused kernel for it (else its interpreter ran)"),
  n: z.number().int().describe("Elements per call"),
  js: z.number().describe("Elements per second, plain JS kernel"),
  wasm: z.number().describe("Elements per second, WASM SIMD kernel"),
  copyJs: z.number().describe("Elements per second, JS copy of the same size"),
  copyWasm: z.number().describe("Elements per second, WASM memory.copy of the same size"),
  wgsl: z.number().optional().describe("Elements per second, WGSL kernel (browser)"),
  copyWgsl: z.number().optional().describe("Elements per second, WGSL copy kernel (browser)"),
});

export const kernelsSchema = z.object({
  environment: z.string(),
  rows: z.array(kernelRow),
  opFloor: z
    .array(z.object({ op: z.string(), ratioToCopy: z.number() }))
    .optional()
    .describe("Time of one f32x4 op loop over the time of a copy loop"),
  error: z.string().optional(),
});

export const speedupSchema = z.object({
  median: z.number().describe("original median time / this model's median time (> 1: faster)"),
  low: z.number().describe("Low end of the 95% bootstrap interval"),
  high: z.number().describe("High end of the 95% bootstrap interval"),
  identity: z
    .boolean()
    .optional()
    .describe(
      "True when the model is the original itself (nothing written differs): 1 by definition",
    ),
});

export const planStudySchema = z
  .object({
    model: z.string(),
    target: z.string().describe("An onnxruntime target whose own provider runs in Node"),
    provider: z.string(),
    status: z.enum(["measured", "unchanged", "failed"]),
    sites: z.number().int(),
    plannedSubstituted: z
      .number()
      .int()
      .describe("Sites the static plan (target costs only, --no-measure) substitutes"),
    measuredSubstituted: z
      .number()
      .int()
      .describe("Sites substituted in what the default optimize (measured planning) writes"),
    activationShare: z
      .number()
      .nullable()
      .describe(
        "Share of the original's kernel time in its activation sites (onnxruntime's profiler)",
      ),
    decision: z
      .enum(["rewrite", "original", "unchanged"])
      .describe("What measured planning wrote: the rewrite, the original, or nothing to change"),
    rolledBackSlower: z.number().int().describe("Sites measured planning put back as slower"),
    substitutes: z.record(z.string(), z.number().int()).describe("The static plan's substitutes"),
    originalMilliseconds: z.number().optional(),
    predictedSpeedup: z
      .number()
      .nullable()
      .describe(
        "The static plan's speedup predicted from the target's costs: T / (T − predicted saving)",
      ),
    planned: speedupSchema.optional().describe("The static plan, measured"),
    measured: speedupSchema
      .optional()
      .describe("The default optimize result (measured planning), measured"),
    control: speedupSchema.optional().describe("The original against a second session of itself"),
    removed: speedupSchema
      .optional()
      .describe(
        "The model with every activation site taken out (Identity), measured: the most any stand-in could gain (Amdahl's limit in the engine)",
      ),
    wallShare: z
      .number()
      .optional()
      .describe(
        "Share of the original's wall time in its activations: 1 − 1/removed (what taking them out saves, fused or not)",
      ),
    alternatives: z
      .array(
        z.object({
          label: z.string(),
          sites: z.number().int(),
          speedup: speedupSchema,
          overWritten: speedupSchema
            .optional()
            .describe(
              "Its speedup over the written model (written time / its time, paired 95% interval): in the alternatives' rounds, or, when it measured faster there, timed again head to head with the written model",
            ),
          screened: speedupSchema
            .optional()
            .describe(
              "When it measured faster than the written model among all the alternatives: that first reading (overWritten then holds the head-to-head one)",
            ),
        }),
      )
      .optional()
      .describe(
        "Where activations take ≥ 30% of the wall time and the default is under 1.5×: each stand-in within the budget, put at every site that admits it, measured (the best the catalog and engine can do)",
      ),
    writtenAlongside: speedupSchema
      .optional()
      .describe(
        "The written model timed in the same rounds as the alternatives (what they are compared with)",
      ),
    noisy: z.boolean().optional(),
    noise: z.array(z.string()).optional(),
    rounds: z.number().int().optional(),
    error: z.string().optional(),
  })
  .describe(
    "Predicted against measured: the static plan and the default (measured) plan on the target's own provider",
  );

const labelledSetSchema = z.object({
  source: z.string(),
  rows: z.number().int(),
});

const awareOutcomeSchema = z.object({
  decision: z
    .enum(["rewrite", "original", "unchanged"])
    .describe("What measured planning wrote: the rewrite, the original, or nothing to change"),
  substituted: z.number().int().describe("Sites substituted in the model written"),
  overOriginal: speedupSchema.describe("The model written against the original"),
});

export const accuracyStudySchema = z
  .object({
    model: z.string(),
    target: z.string(),
    provider: z.string(),
    status: z.enum(["measured", "failed"]),
    limit: z
      .string()
      .describe("The model-level limit the search keeps, e.g. top-1 agreement ≥ 100%"),
    calibration: labelledSetSchema.describe("What the search measured on (all its rows)"),
    heldOut: labelledSetSchema.describe(
      "What the chosen plan is checked on: never seen by the search",
    ),
    default: awareOutcomeSchema
      .optional()
      .describe("The default optimize (per-activation budget only), measured planning"),
    aware: awareOutcomeSchema
      .extend({
        pastBudget: z
          .array(z.object({ site: z.string(), substitute: z.string(), predictedError: z.number() }))
          .describe("Sites the search took past the per-activation budget"),
        evaluations: z.number().int().describe("Models the search ran"),
      })
      .optional()
      .describe("optimize with the limit on the calibration set, measured planning"),
    overDefault: speedupSchema
      .optional()
      .describe(
        "The accuracy-aware model against the default's, head to head (default time / its time, paired 95% interval)",
      ),
    control: speedupSchema
      .optional()
      .describe("The default's model against a second session of itself"),
    heldOutAgreement: z
      .number()
      .nullable()
      .optional()
      .describe(
        "Top-1 agreement of the accuracy-aware model with the original on the held-out set",
      ),
    accuracy: z
      .object({ original: z.number(), default: z.number(), aware: z.number() })
      .optional()
      .describe("Top-1 accuracy against the held-out labels"),
    defaultMilliseconds: z.number().optional(),
    rounds: z.number().int().optional(),
    noisy: z.boolean().optional(),
    noise: z.array(z.string()).optional(),
    error: z.string().optional(),
  })
  .describe(
    "Accuracy-aware search against the default, on a classifier with labelled calibration and held-out sets",
  );

export const reportSchema = z.object({
  schema: z.literal(reportSchemaId),
  createdAt: z.string().describe("ISO 8601"),
  quick: z.boolean(),
  environment: z.object({
    node: z.string(),
    platform: z.string(),
    cpus: z.number().int(),
    cpuModel: z.string(),
    loadAverage: z.array(z.number()),
    onnxruntimeNode: z.string().optional(),
    onnxruntimeWeb: z.string().optional(),
    chromium: z.string().optional(),
  }),
  options: z.object({
    models: z.array(z.string()),
    targets: z.array(z.string()),
    providers: z.array(z.string()),
    budget: z.number(),
    sweepBudgets: z.array(z.number()),
  }),
  models: z.array(modelSchema),
  optimizations: z.array(optimizationSchema),
  runs: z.array(runSchema),
  sweeps: z.array(sweepSchema),
  kernels: z.array(kernelsSchema),
  planStudy: z
    .array(planStudySchema)
    .optional()
    .describe("Predicted against measured speedups per model × onnxruntime target"),
  accuracyStudy: z
    .array(accuracyStudySchema)
    .optional()
    .describe("--min-top1-agreement 1 against the default per labelled model × onnxruntime target"),
  elapsedSeconds: z.number(),
  partial: z
    .boolean()
    .optional()
    .describe(
      "True in the checkpoints a run writes after each model; absent once the run finished",
    ),
});

export type BenchReport = z.infer<typeof reportSchema>;
export type ModelEntry = z.infer<typeof modelSchema>;
export type OptimizationEntry = z.infer<typeof optimizationSchema>;
export type RunEntry = z.infer<typeof runSchema>;
export type Accuracy = z.infer<typeof accuracySchema>;
export type LatencyEntry = z.infer<typeof latencySchema>;
export type FallbackEntry = z.infer<typeof fallbackSchema>;
export type SweepEntry = z.infer<typeof sweepSchema>;
export type SweepPoint = z.infer<typeof sweepPointSchema>;
export type KernelsEntry = z.infer<typeof kernelsSchema>;
export type PlanStudyEntry = z.infer<typeof planStudySchema>;
export type SpeedupEntry = z.infer<typeof speedupSchema>;
export type AccuracyStudyEntry = z.infer<typeof accuracyStudySchema>;
