// Profiles on onnxruntime's CPU provider, as onnxruntime-node runs it (cpu)
// and as onnxruntime-web's WASM build runs it in Node (wasm). Node only: it
// writes a private temporary folder, and reads onnxruntime-web's stdout.
// Browsers get no profiler: there onnxruntime-web prints its profile to a
// console bound before any code of ours runs.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeModel, type Model } from "@rectify/onnx";
import type { EngineProfile, ProfileOptions } from "@rectify/rewrite/light";
import { RuntimeError } from "../errors.js";
import { engineProfile, traceRuns } from "../profile/engine-profile.js";
import { loadOrtNode } from "./ort-node.js";
import type { OrtProfiler, ProfileRequest } from "./ort-provider.js";
import type { OrtModule, OrtSessionLike } from "./ort-tensors.js";
import { captureProfileOutput } from "./profile-output.js";

/** Where one onnxruntime package puts its profile and its optimized graph. */
interface TraceSource {
  /** Session options that turn the profiler on, its files inside `folder`. */
  sessionOptions(folder: string): Record<string, unknown>;
  /** Ends the session's profile and returns the trace's text. */
  end(session: OrtSessionLike, folder: string): Promise<string>;
  /** Releases the session (onnxruntime ends a profile that was not ended then: a failed run's). */
  release(session: OrtSessionLike): Promise<void>;
  /** The engine's optimized graph when one can be had; `profiled` are the node names of the profile. */
  graph(
    folder: string,
    model: Uint8Array,
    profiled: ReadonlySet<string>,
  ): Promise<Model | undefined>;
}

const optimizedFile = "optimized.onnx";

/** Session options that make onnxruntime-node write its optimized graph to `path`. */
function writeOptimizedGraph(path: string): Record<string, unknown> {
  return {
    optimizedModelFilePath: path,
    // Initializers go to a file beside the graph: a model over 2 GB cannot be serialised as
    // one protobuf, and only the graph is read.
    extra: { session: { optimized_model_external_initializers_file_name: "optimized.data" } },
    ...quietLog,
  };
}

/**
 * Profiling sessions log fatal errors only. Serialising at level all makes
 * onnxruntime warn that NCHWc layouts are specific to this hardware (a file
 * that is ours, not the user's), and a session whose model did not load logs
 * an error that it cannot write its profile; neither may reach the user's
 * terminal, and onnxruntime-node logs from C++ straight to stderr, where no
 * JS capture reaches. Every failure still reaches the caller: onnxruntime
 * throws it, and the runtime reports it as a RuntimeError with its message.
 */
const quietLog = { logSeverityLevel: 4 };

/** The ONNX graph onnxruntime-node wrote to `path`; undefined when it wrote none that decodes. */
async function readGraph(path: string): Promise<Model | undefined> {
  try {
    return decodeModel(await readFile(path), { source: path });
  } catch {
    return undefined;
  }
}

/**
 * onnxruntime-node: the profile is a file (the prefix, a date, .json) and the
 * optimized graph is written by the profiled session itself, at the level
 * normal runs use, so every profiled node is in it.
 */
const nodeTrace: TraceSource = {
  sessionOptions: (folder) => ({
    enableProfiling: true,
    profileFilePrefix: join(folder, "profile"),
    ...writeOptimizedGraph(join(folder, optimizedFile)),
  }),
  async end(session, folder) {
    await session.endProfiling();
    const file = (await readdir(folder)).find(
      (name) => name.startsWith("profile") && name.endsWith(".json"),
    );
    if (file === undefined)
      throw new RuntimeError("RUN_FAILED", "onnxruntime-node ended its profile but wrote no file");
    return readFile(join(folder, file), "utf8");
  },
  release: (session) => session.release(),
  graph: (folder) => readGraph(join(folder, optimizedFile)),
};

/**
 * onnxruntime-web (WASM build, Node): the profile is printed to stdout
 * (captured, see profile-output.ts), and the build cannot hand back its
 * optimized graph (it would write it inside its WebAssembly file system).
 */
const webTrace: TraceSource = {
  sessionOptions: () => ({ enableProfiling: true, ...quietLog }),
  async end(session) {
    return (await captureProfileOutput(() => session.endProfiling())).text;
  },
  async release(session) {
    await captureProfileOutput(() => session.release());
  },
  graph: referenceGraph,
};

/**
 * The WASM build's optimized graph as onnxruntime-node's CPU provider makes
 * it (the same provider and graph transformers), when onnxruntime-node is
 * installed; nodes are matched by name. At level all onnxruntime-node also
 * applies x86-only layout transforms the WASM build never does (NCHWc: a Conv
 * named "conv" becomes a com.microsoft.nchwc Conv "conv_out_nchwc" between
 * Reorder nodes); at level extended it does not, and on a Conv + x·σ(x) model
 * that graph matched the WASM profile node for node. So level all is tried
 * first (what wasm sessions run at), extended when all misses profiled nodes,
 * and the graph matching more of them is kept.
 */
async function referenceGraph(
  folder: string,
  model: Uint8Array,
  profiled: ReadonlySet<string>,
): Promise<Model | undefined> {
  let ort: OrtModule;
  try {
    ort = await loadOrtNode();
  } catch {
    return undefined; // Not installed: node names and op types only.
  }
  let best: { graph: Model; matched: number } | undefined;
  for (const level of ["all", "extended"] as const) {
    const path = join(folder, `reference-${level}.onnx`);
    try {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: ["cpu"],
        graphOptimizationLevel: level,
        intraOpNumThreads: 1, // The graph does not depend on threads; a pool would only cost.
        ...writeOptimizedGraph(path),
      });
      await session.release();
    } catch {
      continue; // onnxruntime-node rejects what the WASM build ran (another version): no graph from it.
    }
    const graph = await readGraph(path);
    if (!graph) continue;
    const names = new Set<string>();
    for (const node of graph.graph.allNodes()) names.add(node.name);
    let matched = 0;
    for (const name of profiled) if (names.has(name)) matched++;
    if (!best || matched > best.matched) best = { graph, matched };
    if (matched === profiled.size) break;
  }
  return best?.graph;
}

/** The warm-up and profiled run counts; OPTIONS_INVALID unless whole numbers (runs ≥ 1). */
function profileCounts(options: ProfileOptions): { warmup: number; runs: number } {
  const warmup = options.warmup ?? 3;
  const runs = options.runs ?? 10;
  if (!Number.isInteger(warmup) || warmup < 0 || !Number.isInteger(runs) || runs < 1)
    throw new RuntimeError(
      "OPTIONS_INVALID",
      `profile takes a whole number of warm-up runs (≥ 0) and of profiled runs (≥ 1); got warmup ${warmup}, runs ${runs}`,
    );
  return { warmup, runs };
}

/**
 * Warm-up runs, then `runs` runs timed by the wall clock, then the profile,
 * all in one session with the provider's usual options (the optimization
 * level and threads the user's sessions get) plus the profiler. The temporary
 * folder is removed whatever happens.
 */
async function profileWith(source: TraceSource, request: ProfileRequest): Promise<EngineProfile> {
  const { warmup, runs } = profileCounts(request.options);
  const folder = await mkdtemp(join(tmpdir(), "rectify-profile-"));
  try {
    const { session, backend } = await request.open(source.sessionOptions(folder));
    const wallMilliseconds: number[] = [];
    let text: string;
    try {
      for (let run = 0; run < warmup; run++) await backend.run(request.feeds);
      for (let run = 0; run < runs; run++) {
        const start = performance.now();
        await backend.run(request.feeds);
        wallMilliseconds.push(performance.now() - start);
      }
      text = await source.end(session, folder);
    } finally {
      await source.release(session);
    }
    // Neither package can start profiling after warm-up (startProfiling is a no-op; the
    // profiler runs from session creation), so the warm-up runs are the trace's first runs.
    const profiledRuns = traceRuns(text).slice(warmup);
    const profiled = new Set<string>();
    for (const run of profiledRuns) for (const name of run.keys()) profiled.add(name);
    const graph = await source.graph(folder, request.model, profiled);
    return engineProfile(profiledRuns, wallMilliseconds, graph);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Profiles on onnxruntime-node (the cpu provider): its profile file and optimized graph. */
export const profileOrtNode: OrtProfiler = (request) => profileWith(nodeTrace, request);

/** Profiles on onnxruntime-web's WASM build in Node: its printed profile, and onnxruntime-node's optimized graph when installed. */
export const profileOrtWeb: OrtProfiler = (request) => profileWith(webTrace, request);
