// Verification inputs for models with dynamic dims: sizes by symbol
// (dims) or whole input shapes (inputShapes), symbols shared across inputs,
// and a clear FEEDS_UNRUNNABLE when the original model cannot run on them.
import { DataType, type Model, ModelBuilder } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { RewriteError } from "../src/errors/rewrite-error.js";
import { optimizeModel } from "../src/optimize.js";
import { builtinTarget } from "../src/targets/index.js";
import { randomFeeds } from "../src/verify/random-feeds.js";
import { errorOf } from "./support/error-of.js";
import { createOrtNodeEvaluator } from "./support/ort-node-evaluator.js";

/** audio [batch, time] → Reshape to [1, 32] (runs only when batch·time = 32) → Softplus; state [2, batch, 4] → Identity. */
function model(): Model {
  const builder = new ModelBuilder({ opset: 17 });
  const audio = builder.input("audio", DataType.FLOAT, ["batch", "time"]);
  const state = builder.input("state", DataType.FLOAT, [2, "batch", 4]);
  const shaped = builder.op("Reshape", [audio, builder.constant(DataType.INT64, [2], [1n, 32n])]);
  builder.output(builder.op("Softplus", [shaped]), DataType.FLOAT, [1, 32], "y");
  builder.output(builder.op("Identity", [state]), DataType.FLOAT, [2, "batch", 4], "state_out");
  return builder.build();
}

describe("random verification inputs for dynamic dims", () => {
  it("sizes symbols from dims and from whole input shapes, sharing them across inputs", () => {
    expect(randomFeeds(model(), { dynamicDims: { time: 32 } }).audio!.dims).toEqual([1, 32]);
    const feeds = randomFeeds(model(), { inputShapes: { audio: [2, 16] } });
    expect(feeds.audio!.dims).toEqual([2, 16]);
    expect(feeds.state!.dims).toEqual([2, 2, 4]);
  });

  it("refuses shapes that contradict the model, naming the input", () => {
    const wrongRank = errorOf(() => randomFeeds(model(), { inputShapes: { audio: [32] } }));
    expect(wrongRank).toBeInstanceOf(RewriteError);
    expect(wrongRank.message).toMatch(/"audio": it has 1 dims, the model declares 2/);
    const fixed = errorOf(() => randomFeeds(model(), { inputShapes: { state: [3, 1, 4] } }));
    expect(fixed.message).toMatch(/"state": dim 0 is 3, the model fixes it at 2/);
    const clash = errorOf(() =>
      randomFeeds(model(), { inputShapes: { audio: [2, 16], state: [2, 3, 4] } }),
    );
    expect(clash.message).toMatch(/"batch" is 3 here but 2/);
    const missing = errorOf(() => randomFeeds(model(), { inputShapes: { video: [1] } }));
    expect(missing.message).toMatch(/no such input \(inputs: audio, state\)/);
  });

  it("says FEEDS_UNRUNNABLE with the shapes tried and how to choose others", async () => {
    const error = await optimizeModel(model, {
      target: builtinTarget("algebraic"),
      evaluator: createOrtNodeEvaluator(),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RewriteError);
    expect((error as RewriteError).code).toBe("FEEDS_UNRUNNABLE");
    expect((error as RewriteError).message).toMatch(
      /cannot run on the random inputs \(audio \[1, 16\], state \[2, 1, 4\]\): the model declares audio \[batch, time\], state \[2, batch, 4\]; choose sizes with --dim NAME=N or --input-shape/,
    );
  });

  it("verifies once the sizes fit", async () => {
    for (const sizes of [{ dims: { time: 32 } }, { inputShapes: { audio: [4, 8] } }]) {
      const result = await optimizeModel(model, {
        target: builtinTarget("algebraic"),
        evaluator: createOrtNodeEvaluator(),
        ...sizes,
      });
      expect(result.report.summary.substituted).toBe(1);
      expect(result.report.verification!.passed).toBe(true);
    }
  });
});
