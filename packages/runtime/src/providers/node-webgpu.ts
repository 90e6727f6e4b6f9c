import { loadOrtNode } from "./ort-node.js";
import { ortProvider } from "./ort-provider.js";
import type { ExecutionProvider } from "./provider.js";

/**
 * onnxruntime-node's WebGPU provider (Dawn inside the package): the same C++
 * WebGPU provider as onnxruntime-web/webgpu, so the ort-webgpu profile (probed
 * on the browser build) judges it. It needs a
 * Vulkan/Metal/D3D12 adapter; availability is a real session of a one-node
 * model with CPU fallback disabled, so "available" means it runs.
 */
export const nodeWebGpuProvider: ExecutionProvider = ortProvider({
  name: "webgpu",
  priority: 20,
  target: "ort-webgpu",
  executionProvider: "webgpu",
  load: loadOrtNode,
  check: async (ort) => {
    try {
      const session = await ort.InferenceSession.create(reluModel(), {
        executionProviders: ["webgpu"],
        extra: { session: { disable_cpu_ep_fallback: "1" } },
      });
      await session.release();
      return { available: true };
    } catch (error) {
      return {
        available: false,
        reason: `onnxruntime-node's webgpu provider found no adapter: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      };
    }
  },
});

/** A serialized one-node model (x → Relu → y, float [1]), opset 17, for probing a provider. */
function reluModel(): Uint8Array {
  // @rectify/onnx's ModelBuilder wrote these 78 bytes (ir_version 8, opset 17, one Relu); the encoded form saves building it at run time.
  return Uint8Array.from(
    atob(
      "CAgSB3JlY3RpZnk6PQoSCgF4EgF5GgRyZWx1IgRSZWx1EgVwcm9iZVoPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCAhAR",
    ),
    (c) => c.charCodeAt(0),
  );
}
