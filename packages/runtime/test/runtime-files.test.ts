// onnxruntime-web's runtime file (its .wasm) in Node: where wasmPaths points,
// what a missing file is reported as, and that the setting is read once. In
// its own file: a build that failed to start stays failed for the process,
// and vitest gives each test file its own worker.
import { DataType, encodeModel, ModelBuilder } from "@rectify/onnx";
import { describe, expect, it } from "vitest";
import { createSession, isRuntimeError, type RuntimeError } from "../src/index.node.js";
import { lazyPackage } from "../src/providers/load-package.js";
import { ortProvider } from "../src/providers/ort-provider.js";
import { ProviderRegistry } from "../src/providers/registry.js";

function reluModel(): Uint8Array {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, [4]);
  builder.output(builder.op("Relu", [x]), DataType.FLOAT, [4], "y");
  return encodeModel(builder.build());
}

async function failure(promise: Promise<unknown>): Promise<RuntimeError> {
  try {
    await promise;
  } catch (error) {
    if (isRuntimeError(error)) return error;
    throw error;
  }
  throw new Error("expected a RuntimeError");
}

describe("onnxruntime-web's runtime file", () => {
  it("a missing .wasm file is RUNTIME_FILE_MISSING naming the file, never MODEL_INVALID; wasmPaths is read once", async () => {
    const missing = "/nonexistent-rectify-folder/ort-wasm-simd-threaded.jsep.wasm";
    const first = await failure(
      createSession(reluModel(), { providers: ["wasm"], wasmPaths: { wasm: missing } }),
    );
    expect(first.code, first.message).toBe("RUNTIME_FILE_MISSING");
    expect(first.message).toContain(missing);
    expect(first.message).toContain("configureRuntime({ wasmPaths })");
    // onnxruntime-web does not retry a failed start: the same answer, not a confusing one.
    const again = await failure(
      createSession(reluModel(), { providers: ["wasm"], wasmPaths: { wasm: missing } }),
    );
    expect(again.code).toBe("RUNTIME_FILE_MISSING");
    const moved = await failure(
      createSession(reluModel(), { providers: ["wasm"], wasmPaths: "/elsewhere/" }),
    );
    expect(moved.code).toBe("OPTIONS_INVALID");
    expect(moved.message).toContain(missing);
  });
});

describe("choosing a provider without onnxruntime", () => {
  // A variable, so TypeScript does not look for the package's types.
  const absentPackage: string = "onnxruntime-absent-for-this-test";
  const absent = (name: string) =>
    ortProvider({
      name,
      priority: 1,
      target: "ort-cpu",
      executionProvider: "cpu",
      // A real import of a package that is not installed.
      load: lazyPackage("onnxruntime-absent", () => import(absentPackage)),
    });

  it("is PACKAGE_MISSING naming the package when no provider's package is installed", async () => {
    const error = await failure(new ProviderRegistry([absent("a"), absent("b")]).choose());
    expect(error.code).toBe("PACKAGE_MISSING");
    expect(error.missingPackage).toBe("onnxruntime-absent");
    expect(error.message).toContain("npm install onnxruntime-absent");
  });

  it("is NO_PROVIDER when some provider failed for another reason", async () => {
    const noAdapter = ortProvider({
      name: "gpu",
      priority: 2,
      target: "ort-webgpu",
      executionProvider: "webgpu",
      load: lazyPackage("onnxruntime-node", () => import("onnxruntime-node")),
      check: async () => ({ available: false, reason: "no adapter" }),
    });
    const error = await failure(new ProviderRegistry([noAdapter, absent("a")]).choose());
    expect(error.code).toBe("NO_PROVIDER");
    expect(error.message).toContain("gpu: no adapter");
    expect(error.message).toContain("a: onnxruntime-absent is not installed");
  });
});
