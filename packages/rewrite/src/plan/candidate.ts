import type { Program } from "../lower/program.js";
import type { DeviceError } from "./quantized-options.js";
import type { SiteOption } from "./site-options.js";

/** One way to compute a site, costed and checked against a target. */
export interface Candidate {
  readonly kind: "keep" | "native" | "exact" | "approximation";
  readonly label: string;
  readonly option?: SiteOption;
  /** The nodes to emit (absent for keep). */
  readonly program?: Program;
  /** Nodes by op type: what the site runs after the choice. */
  readonly ops: Readonly<Record<string, number>>;
  /** What the engine runs for it, per element: the profile's per-op costs after the engine's fusions, folds and expansions, plus per-node overhead when the site's size is known. */
  readonly cost: number;
  /** What the engine makes of it, when that changes its cost (`fuses it into com.microsoft.Gelu`). */
  readonly engine?: string;
  /** Predicted max |error| per activation: the larger of the float64 bound and the float32 evaluation (0 for keep); on an integer device, what it adds to the device's rounding. */
  readonly predictedError: number;
  /** On an integer device: what the stand-in does there (predictedError is its addedError). */
  readonly device?: DeviceError;
  /** On an integer device: the float model's max |error| for the stand-in, which verification and the output bound see. */
  readonly floatError?: number;
}

/** Why a candidate was not chosen. */
export interface Rejection {
  readonly label: string;
  readonly reason: string;
  readonly cost?: number;
  readonly predictedError?: number;
}

/** A way to compute a site before it is costed: its program, or why it has none. */
export interface Offer {
  readonly kind: Candidate["kind"];
  readonly label: string;
  readonly option?: SiteOption;
  readonly program: Program | string;
  readonly predictedError: number;
  readonly device?: DeviceError;
  readonly floatError?: number;
}
