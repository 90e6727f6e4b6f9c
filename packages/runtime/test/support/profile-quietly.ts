// Profiles on cpu and wasm (also a model that cannot load and a run that
// fails) and prints nothing itself: whatever this process writes to stdout or
// stderr came from the runtime or onnxruntime (native code included, which no
// in-process capture sees). ort-profiling.test.ts runs it and expects silence.
import { canProfile, createEvaluator, isRuntimeError, tensor } from "../../src/index.node.js";
import { convSiluModel } from "./profile-models.js";

const model = convSiluModel();
for (const provider of ["cpu", "wasm"]) {
  const evaluator = createEvaluator({ provider, threads: 1 });
  if (!canProfile(evaluator)) throw new Error(`${provider} cannot profile`);
  const profile = await evaluator.profile(model.bytes, model.feeds, { warmup: 1, runs: 2 });
  if (profile.runs !== 2) throw new Error(`${provider}: ${profile.runs} runs`);
  // onnxruntime logs that it cannot write the profile of a session whose model never loaded.
  const broken = await evaluator
    .profile(Uint8Array.of(1, 2, 3, 4), {}, { warmup: 0, runs: 1 })
    .catch((caught: unknown) => caught);
  if (!isRuntimeError(broken, "MODEL_INVALID"))
    throw new Error(`${provider}: expected MODEL_INVALID, got ${String(broken)}`);
  // Wrong dims: the run fails, and onnxruntime-web prints the unended profile when the session is released.
  const wrong = { x: tensor(new Float32Array(8 * 16 * 15), [1, 8, 16, 15]) };
  const error = await evaluator
    .profile(model.bytes, wrong, { warmup: 0, runs: 1 })
    .catch((caught: unknown) => caught);
  if (!isRuntimeError(error, "RUN_FAILED"))
    throw new Error(`${provider}: expected RUN_FAILED, got ${String(error)}`);
}
