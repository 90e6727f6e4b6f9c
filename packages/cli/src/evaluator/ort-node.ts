import type { Evaluator, Feeds, FeedTensor } from "@rectify/rewrite";

type OrtModule = typeof import("onnxruntime-node");

let ortModule: Promise<OrtModule> | undefined;

/** onnxruntime-node, loaded on first use (inspect and targets never need it). */
function loadOrt(): Promise<OrtModule> {
  ortModule ??= import("onnxruntime-node");
  return ortModule;
}

/**
 * The Evaluator the CLI verifies with: onnxruntime-node's CPU provider, one
 * session per run (models differ every call), graph optimisations off so the
 * nodes run as written (fusions could hide what a target would compute).
 */
export function createOrtNodeEvaluator(): Evaluator {
  return {
    name: "onnxruntime-node (cpu)",
    async run(model: Uint8Array, feeds: Feeds) {
      const ort = await loadOrt();
      const session = await ort.InferenceSession.create(model, {
        graphOptimizationLevel: "disabled",
      });
      try {
        const inputs: Record<string, InstanceType<OrtModule["Tensor"]>> = {};
        for (const [name, feed] of Object.entries(feeds)) {
          inputs[name] = new ort.Tensor(feed.type, feed.data as never, [...feed.dims]);
        }
        const results = await session.run(inputs);
        const outputs: Record<string, FeedTensor> = {};
        for (const [name, tensor] of Object.entries(results)) {
          outputs[name] = {
            type: tensor.type as FeedTensor["type"],
            dims: [...tensor.dims],
            data: tensor.data as FeedTensor["data"],
          };
        }
        return outputs;
      } finally {
        await session.release();
      }
    },
  };
}
