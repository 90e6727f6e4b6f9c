import {
  type Activation,
  type ApproximationDefinition,
  approximationsFor,
  Expr,
  expressionNodes,
  getActivation,
  instantiate,
  instantiateEntry,
  type Parameters,
} from "@rectify/kernels";
import type { Site } from "../sites/site.js";
import { type Measured, measureApproximation, measureExactExpression } from "./measure.js";
import type { DeviceError } from "./quantized-options.js";

/**
 * The ways a site can be computed, before the target is consulted: the exact
 * activation's own expression (error 0), its native ONNX op, and every
 * catalog approximation with the error the kernels' error engine measures
 * for the site's parameters.
 */
export interface SiteOption {
  readonly kind: "native" | "exact" | "approximation";
  /** `softplus`, `squareplus{b=4}`, `Gelu (opset 20)`: what the report shows. */
  readonly label: string;
  /** The activation computed (exact or approximating), with its parameters. */
  readonly activation?: Activation;
  /** For natives: the op and its attributes. */
  readonly native?: {
    readonly opType: string;
    /** Another domain than ONNX's default (onnxruntime's com.microsoft kernels). */
    readonly domain?: string;
    /** First opset of the op's domain that has it. */
    readonly since: number;
    readonly attributes: Readonly<Record<string, number | string>>;
  };
  /** The expression to lower (exact and approximation options). */
  readonly expression?: Expr;
  /** Max |error| over the input domain in float64 (∞ when unbounded), 0 for exact options. */
  readonly maxAbsError: number;
  /** Max |error| with float32 arithmetic on [−32, 32] (at least maxAbsError). */
  readonly maxAbsErrorFloat32: number;
  /** Mean |error| for inputs ~ N(0, 1). */
  readonly meanAbsErrorNormal: number;
  /** Where the max |error| is (NaN when none). */
  readonly argMaxAbsError: number;
  readonly entry?: ApproximationDefinition;
  /** Where the stand-in holds (its error is measured there): absent for all of ℝ. */
  readonly domain?: readonly [number, number];
  /** A table on an integer device's grid: what it does there. */
  readonly device?: DeviceError;
}

const cache = new Map<string, SiteOption[]>();

/** The expression with its argument replaced by `argument` (rebuilt node by node; shared nodes stay shared). */
function withArgument(root: Expr, argument: Expr): Expr {
  const rebuilt = new Map<Expr, Expr>();
  for (const node of expressionNodes(root)) {
    if (node.op === "Input") rebuilt.set(node, argument);
    else if (node.op === "Constant") rebuilt.set(node, node);
    else
      rebuilt.set(
        node,
        Expr.apply(node.op, ...node.inputs.map((operand) => rebuilt.get(operand)!)),
      );
  }
  return rebuilt.get(root)!;
}

/**
 * log softmax(x) = y − LSE(y) with y = x − max(x): LSE(y) is then log Σ eʸ
 * with no large max added back, so the subtraction does not lose the
 * digits that x − LSE(x) loses in float32 when x is large.
 */
function logSoftmaxExpression(lse: Expr): Expr {
  const x = Expr.input();
  const shifted = x.sub(Expr.apply("ReduceMax", x));
  return shifted.sub(withArgument(lse, shifted));
}

/** Activations whose catalog stand-ins are worth measuring for another one. */
const relatives: Readonly<Record<string, readonly string[]>> = { "gelu-tanh": ["gelu"] };

/** Activations the rewriter knows beyond the kernels registry, composed from it. */
function composedExpression(activation: string, params: Parameters): Expr | undefined {
  if (activation === "log-softmax") {
    return logSoftmaxExpression(instantiate(getActivation("logsumexp"), params).expression);
  }
  return undefined;
}

function key(site: Pick<Site, "activation" | "params">): string {
  return `${site.activation}${JSON.stringify(site.params)}`;
}

/** Every option for an activation with these parameters (measured once per process and cached). */
export function siteOptions(site: Pick<Site, "activation" | "params">): SiteOption[] {
  const cached = cache.get(key(site));
  if (cached) return cached;
  const options = computeOptions(site.activation, site.params);
  cache.set(key(site), options);
  return options;
}

function computeOptions(name: string, params: Parameters): SiteOption[] {
  if (name === "log-softmax") return logSoftmaxOptions(params);
  let definition: ReturnType<typeof getActivation>;
  try {
    definition = getActivation(name);
  } catch {
    return [];
  }
  let exact: Activation;
  try {
    exact = instantiate(definition, params);
  } catch {
    return [];
  }
  const options: SiteOption[] = [];
  if (definition.onnx) {
    options.push({
      kind: "native",
      label: `${definition.onnx.opType} (opset ${definition.onnx.since})`,
      activation: exact,
      // The expression too: a native op whose ONNX form needs lowering (Clip for ReLU6) is lowered from it.
      expression: exact.expression,
      native: {
        opType: definition.onnx.opType,
        since: definition.onnx.since,
        attributes: definition.onnx.attributes?.(exact.params) ?? {},
      },
      maxAbsError: 0,
      maxAbsErrorFloat32: 0,
      meanAbsErrorNormal: 0,
      argMaxAbsError: Number.NaN,
    });
  }
  options.push({
    kind: "exact",
    label: `${exact.id} (exact expression)`,
    activation: exact,
    expression: exact.expression,
    maxAbsError: 0,
    maxAbsErrorFloat32: exact.reduces
      ? 0
      : measureExactExpression(name, exact.params, () => float32SelfError(exact)),
    meanAbsErrorNormal: 0,
    argMaxAbsError: Number.NaN,
  });
  // Stand-ins listed for a close relative also serve (GELU's for the tanh form), measured against this activation.
  const entries = [
    ...approximationsFor(name),
    ...(relatives[name] ?? []).flatMap((relative) =>
      approximationsFor(relative).map((entry) => ({ ...entry, exact: name })),
    ),
  ];
  const seen = new Set<string>();
  for (const entry of entries) {
    const option = approximationOption(entry, params, exact);
    if (!option || seen.has(option.label) || option.label === name) continue;
    seen.add(option.label);
    options.push(option);
  }
  return options;
}

/** A catalog entry measured for a site's parameters; undefined when its parameters are out of range. */
function approximationOption(
  entry: ApproximationDefinition,
  params: Parameters,
  exact: Activation,
): SiteOption | undefined {
  const forSite: ApproximationDefinition = {
    ...entry,
    exactParams: params,
    params: inheritParameters(entry),
  };
  let row: Measured;
  try {
    row = measureApproximation(
      forSite,
      exact.params,
      instantiateEntry(forSite).approximation.params,
    );
  } catch {
    return undefined; // parameters outside what the form accepts (e.g. a derived parameter out of range)
  }
  const approximation = instantiate(getActivation(entry.approximation), row.params);
  return {
    kind: "approximation",
    label: row.label,
    activation: approximation,
    expression: approximation.expression,
    maxAbsError: row.maxAbsError,
    maxAbsErrorFloat32: row.maxAbsErrorFloat32,
    meanAbsErrorNormal: row.meanAbsErrorNormal,
    argMaxAbsError: row.argMaxAbsError,
    entry: forSite,
    ...(entry.domain ? { domain: entry.domain } : {}),
  };
}

const budgetCache = new Map<string, SiteOption[]>();

/**
 * Piecewise-linear fits and tables refitted to the budget itself (the
 * catalog lists them at 1e-2, 1e-3 and 1e-4): the fewest knots, or the
 * smallest table, whose max |error| is the budget. Budgets outside
 * [1e-5, 0.5] get none. Measured once per activation, parameters and budget.
 */
export function budgetFitOptions(
  site: Pick<Site, "activation" | "params">,
  budget: number,
): SiteOption[] {
  if (!(budget >= 1e-5 && budget <= 0.5)) return [];
  const cacheKey = `${key(site)}|${budget}`;
  const cached = budgetCache.get(cacheKey);
  if (cached) return cached;
  const options: SiteOption[] = [];
  let exact: Activation | undefined;
  try {
    exact = instantiate(getActivation(site.activation), site.params);
  } catch {
    exact = undefined;
  }
  if (exact) {
    const families = new Set<string>();
    // At a budget the catalog lists already (1e-3 by default) the catalog's rows are these.
    const catalogLabels = new Set(siteOptions(site).map((option) => option.label));
    for (const entry of approximationsFor(site.activation)) {
      if (!/-(pwl|lut)$/.test(entry.approximation) || families.has(entry.approximation)) continue;
      families.add(entry.approximation);
      const atBudget: ApproximationDefinition = {
        ...entry,
        params: (own) => ({ ...own, e: budget }),
      };
      const option = approximationOption(atBudget, site.params, exact);
      if (option && !catalogLabels.has(option.label)) options.push(option);
    }
  }
  budgetCache.set(cacheKey, options);
  return options;
}

/**
 * The approximation's parameters for a site: those named like one of the
 * exact activation's (ELU's alpha in elu-squaring, SiLU's beta) follow the
 * site, then the entry's own settings (n, degree, …) apply on top.
 */
function inheritParameters(
  entry: ApproximationDefinition,
): (exact: Parameters) => Partial<Parameters> {
  const names = new Set(getActivation(entry.approximation).parameters.map((spec) => spec.name));
  return (exact) => {
    const inherited: Record<string, number> = {};
    for (const [name, value] of Object.entries(exact)) if (names.has(name)) inherited[name] = value;
    const given = typeof entry.params === "function" ? entry.params(exact) : entry.params;
    return { ...inherited, ...given };
  };
}

/** log-softmax has no kernels entry of its own: x − LSE(x), with LSE exact or approximated. */
function logSoftmaxOptions(params: Parameters): SiteOption[] {
  const options: SiteOption[] = [
    {
      kind: "native",
      label: "LogSoftmax",
      native: { opType: "LogSoftmax", since: 1, attributes: {} },
      maxAbsError: 0,
      maxAbsErrorFloat32: 0,
      meanAbsErrorNormal: 0,
      argMaxAbsError: Number.NaN,
    },
    {
      kind: "exact",
      label: "log-softmax (exact expression)",
      expression: composedExpression("log-softmax", params)!,
      maxAbsError: 0,
      maxAbsErrorFloat32: 0,
      meanAbsErrorNormal: 0,
      argMaxAbsError: Number.NaN,
    },
  ];
  for (const entry of approximationsFor("logsumexp")) {
    const { exact, approximation } = instantiateEntry(entry);
    const row = measureApproximation(entry, exact.params, approximation.params);
    const lse = instantiate(getActivation(entry.approximation), row.params);
    // x − LSẼ(x) − (x − LSE(x)) = LSE(x) − LSẼ(x): the same error as the LogSumExp stand-in.
    options.push({
      kind: "approximation",
      label: `y − ${row.label}(y), y = x − max x`,
      activation: lse,
      expression: logSoftmaxExpression(lse.expression),
      maxAbsError: row.maxAbsError,
      maxAbsErrorFloat32: row.maxAbsErrorFloat32,
      meanAbsErrorNormal: row.meanAbsErrorNormal,
      argMaxAbsError: row.argMaxAbsError,
      entry,
    });
  }
  return options;
}

/** How far the activation's own expression in float32 is from its float64 f, on a 1/64 grid of [−32, 32]. */
function float32SelfError(activation: Activation): number {
  let worst = 0;
  for (let i = -2048; i <= 2048; i++) {
    const x = Math.fround(i / 64);
    const reference = activation.f(x);
    if (!Number.isFinite(reference)) continue;
    const error = Math.abs(activation.compiled.evaluate32(x) - reference);
    if (!(error <= worst)) worst = error;
  }
  return worst;
}
