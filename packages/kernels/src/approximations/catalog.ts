import type { Activation, Parameters } from "../activation/activation.js";
import { piecesOf } from "../activations/pwl-forms.js";
import { KernelsError } from "../errors/kernels-error.js";
import {
  opCounts,
  type PrimitiveOp,
  primitiveOps,
  transcendentalOps,
} from "../expression/expression.js";
import type { ApproximationDefinition } from "./approximation.js";
import {
  type ErrorMeasurement,
  instantiateEntry,
  measureError,
  type Unbounded,
  type VectorSummary,
} from "./error.js";
import { approximations } from "./index.js";

/** One catalog row: an approximation entry with its op counts and measured errors. */
export interface CatalogRow {
  /** The exact activation's id: its name, with the parameters that differ from the defaults. */
  readonly exact: string;
  /** The approximation's id with the parameters the entry sets (and any non-default), e.g. `squareplus{b=4}`. */
  readonly approximation: string;
  readonly exactName: string;
  readonly exactParams: Parameters;
  readonly approximationName: string;
  /** The approximation's parameters (fixed or derived from the exact's). */
  readonly params: Parameters;
  /** How many times each primitive op occurs in the approximation's expression. */
  readonly ops: Partial<Record<PrimitiveOp, number>>;
  readonly opTotal: number;
  /** The transcendental ops (Exp, Log, Erf, Tanh, Sigmoid, Pow) it needs; empty for algebraic forms. */
  readonly transcendental: readonly PrimitiveOp[];
  /** A multivariable activation (softmax, LogSumExp), measured on rows. */
  readonly reduces: boolean;
  readonly domain: readonly [number, number];
  readonly fittable: readonly string[];
  readonly note?: string;
  readonly maxAbsError: number;
  readonly argMaxAbsError: number;
  readonly signedErrorAtMax: number;
  readonly maxAbsErrorUnbounded?: Unbounded;
  readonly maxRelError: number;
  readonly argMaxRelError: number;
  readonly maxRelErrorUnbounded?: Unbounded;
  readonly relativeFloor: number;
  readonly meanAbsErrorNormal: number;
  /**
   * max |f(x) − g₃₂(x)| over float32 inputs in [−32, 32], where g₃₂ evaluates the
   * approximation's expression with every op's result rounded to float32 (as a
   * float32 kernel with correctly rounded ops computes it): the float64 error
   * plus what float32 arithmetic adds (e.g. rounding amplified 2ⁿ-fold by n
   * squarings); at least the float64 error. NaN for multivariable rows.
   */
  readonly maxAbsErrorFloat32: number;
  readonly worstVector?: VectorSummary;
  /** Piecewise-linear forms: the pieces between the first and last knot (the asymptotes continue outside). */
  readonly segments?: number;
}

/**
 * Inputs for the float32 column: a 1/64 grid on [−32, 32] inside the domain,
 * rounded to float32. No far tails: there, rounding a constant to float32
 * (1e−8 relative) times a huge x would dominate, and the float64 column
 * already covers the tails.
 */
function float32Inputs(domain: readonly [number, number]): number[] {
  const points: number[] = [];
  for (let i = -2048; i <= 2048; i++) points.push(i / 64);
  const [lo, hi] = domain;
  return points.map(Math.fround).filter((x) => x >= lo && x <= hi);
}

function float32Error(
  exact: Activation,
  approximation: Activation,
  domain: readonly [number, number],
): number {
  if (exact.reduces || approximation.reduces) return Number.NaN;
  let worst = 0;
  for (const x of float32Inputs(domain)) {
    const reference = exact.f(x);
    if (!Number.isFinite(reference) || Math.abs(reference) > 3.4028234663852886e38) continue;
    const error = Math.abs(approximation.compiled.evaluate32(x) - reference);
    if (!(error <= worst)) worst = error; // NaN or ∞ wins
  }
  return worst;
}

/** `name{a=…}` with numbers to 6 significant digits. */
function formatId(name: string, params: Parameters, keys: readonly string[]): string {
  if (keys.length === 0) return name;
  const shown = keys.map((key) => `${key}=${Number(params[key]!.toPrecision(6))}`);
  return `${name}{${shown.join(",")}}`;
}

/** The catalog row of one entry (measured now). */
export function catalogRow(entry: ApproximationDefinition): CatalogRow {
  const { exact, approximation, domain } = instantiateEntry(entry);
  const m = measureError(exact, approximation, { domain });
  // Never below the float64 error (whose grid and refinement are finer, and which knows ∞).
  const float32 = float32Error(exact, approximation, domain);
  return rowFrom(
    entry,
    exact,
    approximation,
    domain,
    m,
    Number.isNaN(float32) ? float32 : Math.max(m.maxAbsError, float32),
  );
}

function rowFrom(
  entry: ApproximationDefinition,
  exact: Activation,
  approximation: Activation,
  domain: readonly [number, number],
  m: ErrorMeasurement,
  maxAbsErrorFloat32: number,
): CatalogRow {
  const changed = exact.definition.parameters
    .filter((spec) => exact.params[spec.name] !== spec.default)
    .map((spec) => spec.name);
  // The parameters the entry sets (fixed or derived) and any that differ from their defaults.
  const given = typeof entry.params === "function" ? entry.params(exact.params) : entry.params;
  const shownKeys = approximation.definition.parameters
    .map((spec) => spec.name)
    .filter(
      (name) =>
        (given !== undefined && name in given) ||
        approximation.params[name] !==
          approximation.definition.parameters.find((spec) => spec.name === name)!.default,
    );
  const pieces = piecesOf(approximation.definition, approximation.params);
  const ops = opCounts(approximation.expression);
  const used = (Object.keys(ops) as PrimitiveOp[]).sort(
    (a, b) => Object.keys(primitiveOps).indexOf(a) - Object.keys(primitiveOps).indexOf(b),
  );
  const sortedOps: Partial<Record<PrimitiveOp, number>> = {};
  for (const op of used) sortedOps[op] = ops[op]!;
  return {
    exact: formatId(exact.definition.name, exact.params, changed),
    approximation: formatId(approximation.definition.name, approximation.params, shownKeys),
    exactName: exact.definition.name,
    exactParams: exact.params,
    approximationName: approximation.definition.name,
    params: approximation.params,
    ops: sortedOps,
    opTotal: used.reduce((sum, op) => sum + ops[op]!, 0),
    transcendental: used.filter((op) => transcendentalOps.has(op)),
    reduces: exact.reduces || approximation.reduces,
    domain,
    fittable: entry.fittable ?? [],
    ...(entry.note ? { note: entry.note } : {}),
    maxAbsError: m.maxAbsError,
    argMaxAbsError: m.argMaxAbsError,
    signedErrorAtMax: m.signedErrorAtMax,
    ...(m.maxAbsErrorUnbounded ? { maxAbsErrorUnbounded: m.maxAbsErrorUnbounded } : {}),
    maxRelError: m.maxRelError,
    argMaxRelError: m.argMaxRelError,
    ...(m.maxRelErrorUnbounded ? { maxRelErrorUnbounded: m.maxRelErrorUnbounded } : {}),
    relativeFloor: m.relativeFloor,
    meanAbsErrorNormal: m.meanAbsErrorNormal,
    maxAbsErrorFloat32,
    ...(m.worstVector ? { worstVector: m.worstVector } : {}),
    ...(pieces ? { segments: pieces.knots.length - 1 } : {}),
  };
}

let memo: readonly CatalogRow[] | undefined;

/** Every approximation entry measured, in list order (computed once per process, deterministic). */
export function catalog(): readonly CatalogRow[] {
  memo ??= Object.freeze(approximations.map(catalogRow));
  return memo;
}

/** A number to 3 significant digits (exponent form below 0.001 and from 10⁵); ∞ and — for NaN. */
export function formatSignificant(value: number): string {
  if (Number.isNaN(value)) return "—";
  if (value === Number.POSITIVE_INFINITY) return "∞";
  if (value === Number.NEGATIVE_INFINITY) return "−∞";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  const text =
    magnitude < 1e-3 || magnitude >= 1e5
      ? value.toExponential(2).replace("e+", "e")
      : String(Number(value.toPrecision(3)));
  return text.replaceAll("-", "−");
}

const sideText: Record<Unbounded, string> = {
  "-inf": "x → −∞",
  "+inf": "x → +∞",
  both: "x → ±∞",
  point: "at a point",
};

function errorCell(value: number, unbounded: Unbounded | undefined): string {
  return unbounded && unbounded !== "point"
    ? `∞ (${sideText[unbounded]})`
    : formatSignificant(value);
}

function argumentCell(arg: number, vector: VectorSummary | undefined): string {
  if (vector)
    return `row n=${vector.length} ${vector.pattern} ±${formatSignificant(vector.spread)}`;
  if (arg === Number.NEGATIVE_INFINITY) return "→ −∞";
  if (arg === Number.POSITIVE_INFINITY) return "→ +∞";
  return formatSignificant(arg);
}

function domainText(domain: readonly [number, number]): string {
  const [lo, hi] = domain;
  if (lo === Number.NEGATIVE_INFINITY && hi === Number.POSITIVE_INFINITY) return "";
  const bound = (x: number) => String(Number(x.toPrecision(6))).replace("-", "−");
  const left = lo === Number.NEGATIVE_INFINITY ? "(−∞" : `[${bound(lo)}`;
  const right = hi === Number.POSITIVE_INFINITY ? "+∞)" : `${bound(hi)}]`;
  return ` on ${left}, ${right}`;
}

function opsCell(row: CatalogRow): string {
  const parts = Object.entries(row.ops).map(([op, n]) => (n === 1 ? op : `${op}×${n}`));
  return `${row.opTotal}: ${parts.join(" ")}`;
}

/** The catalog as a Markdown table (3 significant digits; unbounded errors as ∞ with the direction). */
export function catalogMarkdown(rows: readonly CatalogRow[]): string {
  const escapePipes = (text: string) => text.replaceAll("|", "\\|");
  const lines = [
    "| exact | approximation | ops | transcendental | max \\|err\\| | at x | max rel err | mean \\|err\\| N(0,1) | max \\|err\\| float32 |",
    "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const cells = [
      `${row.exact}${domainText(row.domain)}`,
      `\`${row.approximation}\`${segmentsText(row)}`,
      opsCell(row),
      row.transcendental.length > 0 ? row.transcendental.join(", ") : "no",
      errorCell(row.maxAbsError, row.maxAbsErrorUnbounded),
      argumentCell(row.argMaxAbsError, row.worstVector),
      errorCell(row.maxRelError, row.maxRelErrorUnbounded),
      formatSignificant(row.meanAbsErrorNormal),
      formatSignificant(row.maxAbsErrorFloat32),
    ];
    lines.push(`| ${cells.map(escapePipes).join(" | ")} |`);
  }
  return `${lines.join("\n")}\n`;
}

/** A finite number, or null (JSON has no ∞ or NaN; the row's *Unbounded / *Tail fields say why). */
function jsonNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function tail(arg: number): "-inf" | "+inf" | undefined {
  return arg === Number.NEGATIVE_INFINITY
    ? "-inf"
    : arg === Number.POSITIVE_INFINITY
      ? "+inf"
      : undefined;
}

/**
 * The catalog as a JSON array (a string). Each object has exact, approximation,
 * params, ops, maxAbsError, argMaxAbsError, maxRelError, meanAbsErrorNormal,
 * then details. Non-finite numbers are null: an unbounded error has
 * `maxAbsErrorUnbounded` ("-inf", "+inf", "both", "point"), an argument at ±∞
 * (an unbounded tail, or a limit approached there) has `argMaxAbsErrorTail`,
 * multivariable rows have `worstVector` instead of an argument, and `domain`
 * is [lo, hi] with null for an infinite end.
 */
export function catalogJson(rows: readonly CatalogRow[]): string {
  const objects = rows.map((row) => ({
    exact: row.exact,
    approximation: row.approximation,
    params: row.params,
    ops: row.ops,
    maxAbsError: jsonNumber(row.maxAbsError),
    argMaxAbsError: jsonNumber(row.argMaxAbsError),
    maxRelError: jsonNumber(row.maxRelError),
    meanAbsErrorNormal: jsonNumber(row.meanAbsErrorNormal),
    maxAbsErrorFloat32: jsonNumber(row.maxAbsErrorFloat32),
    maxAbsErrorUnbounded: row.maxAbsErrorUnbounded ?? null,
    argMaxAbsErrorTail: tail(row.argMaxAbsError) ?? null,
    signedErrorAtMax: jsonNumber(row.signedErrorAtMax),
    argMaxRelError: jsonNumber(row.argMaxRelError),
    maxRelErrorUnbounded: row.maxRelErrorUnbounded ?? null,
    argMaxRelErrorTail: tail(row.argMaxRelError) ?? null,
    relativeFloor: row.relativeFloor,
    worstVector: row.worstVector ?? null,
    exactName: row.exactName,
    exactParams: row.exactParams,
    approximationName: row.approximationName,
    opTotal: row.opTotal,
    transcendental: row.transcendental,
    reduces: row.reduces,
    domain: row.domain.map(jsonNumber),
    fittable: row.fittable,
    note: row.note ?? null,
    segments: row.segments ?? null,
  }));
  return `${JSON.stringify(objects, null, 2)}\n`;
}

/** The markers around the generated catalog table in the package README. */
export const catalogMarkers = { start: "<!-- catalog:start -->", end: "<!-- catalog:end -->" };

/** The text between the catalog markers (without the newlines next to them); INPUT_INVALID when they are missing. */
export function catalogSection(readme: string): string {
  const start = readme.indexOf(catalogMarkers.start);
  const end = readme.indexOf(catalogMarkers.end);
  if (start < 0 || end < start)
    throw new KernelsError(
      "INPUT_INVALID",
      `the README has no ${catalogMarkers.start} … ${catalogMarkers.end} section; add both markers on their own lines`,
    );
  return readme.slice(start + catalogMarkers.start.length, end).replace(/^\n+|\n+$/g, "");
}

/** The README with the text between the catalog markers replaced by `table`. */
export function replaceCatalogSection(readme: string, table: string): string {
  catalogSection(readme); // checks the markers
  const start = readme.indexOf(catalogMarkers.start) + catalogMarkers.start.length;
  const end = readme.indexOf(catalogMarkers.end);
  return `${readme.slice(0, start)}\n${table.replace(/\n+$/, "")}\n${readme.slice(end)}`;
}

/** "(19 segments)" for a piecewise-linear fit, "(60-entry table)" for a lookup table. */
function segmentsText(row: { approximation: string; segments?: number }): string {
  if (row.segments === undefined) return "";
  if (/-lut\{/.test(row.approximation)) return ` (${row.segments + 1}-entry table)`;
  return ` (${row.segments} segments)`;
}
