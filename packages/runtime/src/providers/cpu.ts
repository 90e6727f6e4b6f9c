import { loadOrtNode } from "./ort-node.js";
import { profileOrtNode } from "./ort-profiling.js";
import { ortProvider } from "./ort-provider.js";
import type { ExecutionProvider } from "./provider.js";

/** onnxruntime-node's CPU provider (Node). */
export const cpuProvider: ExecutionProvider = {
  ...ortProvider({
    name: "cpu",
    priority: 100,
    target: "ort-cpu",
    executionProvider: "cpu",
    load: loadOrtNode,
    sessionOptions: (options) => ({
      ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
      ...(options.sideBySide ? { extra: { session: { force_spinning_stop: "1" } } } : {}),
    }),
    profiler: profileOrtNode,
  }),
  // Five runs at each turn, the first not counted: see evaluator.ts.
  latencyTurn: 5,
};
