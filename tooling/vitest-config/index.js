// Shared vitest settings: node environment, generous timeouts for tests that
// run real onnxruntime sessions or walk the ONNX conformance data.
import { defineConfig } from "vitest/config";

/** Returns the vitest config every package uses, with optional overrides. */
export function rectifyVitestConfig(overrides = {}) {
  return defineConfig({
    test: {
      environment: "node",
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      reporters: process.env.CI ? ["default"] : ["default"],
      ...overrides,
    },
  });
}
