import type { Feeds } from "@rectify/rewrite/light";

/** Where a zoo model comes from. */
export type ZooSource = "generated" | "npm" | "torch" | "user";

/**
 * One model of the zoo: its bytes and how to feed it. Nothing is downloaded:
 * generated models are built in memory, npm and torch ones are files in the
 * repository or its node_modules, user ones are paths given on the command line.
 */
export interface ZooModel {
  /** Stable id used by --models and in the report: "mlp-gelu", "torch/detector", "npm/silero_vad_v5". */
  readonly id: string;
  readonly source: ZooSource;
  /** One line: what the model is and which activations it has. */
  readonly description: string;
  /** The activation families in it (display and filtering), e.g. ["gelu", "silu"]. */
  readonly activations: readonly string[];
  /** In the --quick set. */
  readonly quick?: boolean;
  /** The model file's bytes (external data inlined). */
  load(): Promise<Uint8Array>;
  /** Sizes of symbolic dims for random feeds, by dim_param name. */
  readonly dims?: Readonly<Record<string, number>>;
  /** Whole shapes of some inputs for random feeds, by input name. */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Inputs given as they are (control inputs such as a sample rate), the rest are random. */
  readonly fixedFeeds?: Feeds;
  /** Real inputs with their labels, for the accuracy-aware study (a classifier trained in the repo). */
  readonly labelled?: () => Promise<LabelledSets>;
}

/** Labelled inputs: the feeds of every graph input, one class label per row. */
export interface LabelledSet {
  readonly feeds: Feeds;
  readonly labels: readonly number[];
  /** Where they came from, for the report (a path). */
  readonly source: string;
}

/** A calibration set the search measures on, and a held-out set it never sees. */
export interface LabelledSets {
  readonly calibration: LabelledSet;
  readonly heldOut: LabelledSet;
}
