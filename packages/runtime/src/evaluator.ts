import { decodeModel, encodeModelInline, loadExternalData, modelTensors } from "@rectify/onnx";
import type {
  Feeds,
  ProfileOptions,
  ProfilingEvaluator,
  TimingEvaluator,
} from "@rectify/rewrite/light";
import { compareLatency } from "./latency/compare-latency.js";
import type { BackendSession } from "./providers/provider.js";
import type { ProviderRegistry } from "./providers/registry.js";

/** Options of createEvaluator. */
export interface EvaluatorOptions {
  /** Provider name (default cpu in Node). */
  readonly provider?: string;
  readonly threads?: number;
  /**
   * The folder of the model file the bytes came from. onnxruntime resolves a
   * model's external data against the working directory when it is given
   * bytes, so with this set, external tensors are read from this folder (with
   * @rectify/onnx's checks: inside the folder, regular files only) and inlined.
   */
  readonly modelFolder?: string;
}

/**
 * @internal createEvaluator over a platform's providers (the package entry
 * points bind them): a ProfilingEvaluator where the provider can profile
 * (Node's cpu and wasm), else a TimingEvaluator; `canProfile` tells which.
 */
export function evaluatorWith(
  registry: ProviderRegistry,
  optionsOrProvider: EvaluatorOptions | string = {},
): TimingEvaluator | ProfilingEvaluator {
  // A bare name is the provider: read as options it had no `provider`, and a
  // script's createEvaluator("wasm") silently timed the cpu provider instead.
  const options: EvaluatorOptions =
    typeof optionsOrProvider === "string" ? { provider: optionsOrProvider } : optionsOrProvider;
  const provider = registry.named(options.provider ?? "cpu");
  const profile = provider.profile?.bind(provider);
  const bytesOf = (model: Uint8Array) =>
    options.modelFolder === undefined ? model : inlineExternal(model, options.modelFolder);
  const backendOptions = options.threads !== undefined ? { threads: options.threads } : {};
  return {
    name: `@rectify/runtime ${provider.name} (${provider.target})`,
    async run(model, feeds) {
      const session = await provider.createSession(await bytesOf(model), backendOptions);
      try {
        return await session.run(feeds);
      } finally {
        await session.release();
      }
    },
    // Sessions are created before and released after the timing, so only runs are timed.
    async compareLatency(models, feeds, latencyOptions = {}) {
      const sessions: BackendSession[] = [];
      // Each onnxruntime-node session has its own intra-op threads, which spin after a run while
      // they wait for more work: sessions timed in turns stole the cores from the one running.
      // Measured 2026-12-03 on 2 cores, a 4 ms CNN in 3 sessions: its runs read 7.6–15 ms and
      // scattered by 27–88%, and a model against a copy of itself read 0.57×. So the cpu provider
      // stops the spinning at the end of each run (sideBySide), and runs each case 5 times in a row
      // at its turn, the first not counted (latencyTurn): a case that follows another model starts
      // with cold caches, and alone it would not. The written models of three zoo CNNs (ELU, Mish,
      // the detector; ort-cpu) timed alone in blocks with spinning on, as one deployed session
      // runs, read 1.20×, 2.15× and 1.25× (medians of 7; the detector's ranged 1.17–1.56). Side by
      // side, medians of 3–4: spinning as before 1.36/2.34/1.59; no spinning 1.14/1.69/1.35;
      // spinning stopped after each run 1.17/1.90/1.37; that and turns of 5, 1.14/2.13/1.45.
      const sideBySide = { ...backendOptions, sideBySide: true };
      const timing = { turn: provider.latencyTurn ?? 1, ...latencyOptions };
      try {
        for (const model of models)
          sessions.push(await provider.createSession(await bytesOf(model.bytes), sideBySide));
        const first = models[0];
        const control =
          latencyOptions.control && first
            ? await provider.createSession(await bytesOf(first.bytes), sideBySide)
            : undefined;
        if (control) sessions.push(control);
        return await compareLatency(
          models.map((model, index) => ({
            name: model.name,
            run: () => sessions[index]!.run(feeds),
          })),
          {
            ...timing,
            ...(control && first
              ? { controlCase: { name: `${first.name} (control)`, run: () => control.run(feeds) } }
              : {}),
          },
        );
      } finally {
        for (const session of sessions) await session.release();
      }
    },
    // Absent, not throwing, where the provider cannot profile: canProfile() then says false.
    ...(profile
      ? {
          profile: async (model: Uint8Array, feeds: Feeds, profileOptions?: ProfileOptions) =>
            profile(await bytesOf(model), feeds, backendOptions, profileOptions),
        }
      : {}),
  };
}

/** The model bytes with external tensors read from `folder` and stored inline (the same bytes when there are none). */
async function inlineExternal(bytes: Uint8Array, folder: string): Promise<Uint8Array> {
  const model = decodeModel(bytes);
  let external = false;
  for (const { tensor } of modelTensors(model)) external ||= tensor.isExternal;
  if (!external) return bytes;
  await loadExternalData(model, folder);
  return encodeModelInline(model);
}
