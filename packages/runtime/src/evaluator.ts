import { decodeModel, encodeModelInline, loadExternalData, modelTensors } from "@rectify/onnx";
import type { Evaluator } from "@rectify/rewrite/light";
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

/** @internal createEvaluator over a platform's providers (the package entry points bind them). */
export function evaluatorWith(
  registry: ProviderRegistry,
  options: EvaluatorOptions = {},
): Evaluator {
  const provider = registry.named(options.provider ?? "cpu");
  return {
    name: `@rectify/runtime ${provider.name} (${provider.target})`,
    async run(model, feeds) {
      const bytes =
        options.modelFolder === undefined
          ? model
          : await inlineExternal(model, options.modelFolder);
      const session = await provider.createSession(
        bytes,
        options.threads !== undefined ? { threads: options.threads } : {},
      );
      try {
        return await session.run(feeds);
      } finally {
        await session.release();
      }
    },
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
