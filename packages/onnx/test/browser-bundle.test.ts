// @rectify/onnx as a browser app gets it: bundled by esbuild for the browser
// platform through the package's exports (the "browser" condition), from the
// built dist/. The bundle must build and pull in no Node built-in: no shims,
// no package.json "browser" field needed.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const packageFolder = fileURLToPath(new URL("..", import.meta.url));

async function bundleForBrowser(source: string) {
  return build({
    stdin: { contents: source, resolveDir: packageFolder, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
}

describe("the browser build", () => {
  it("bundles for browsers with no Node built-in, and its file I/O says it needs Node", async () => {
    const result = await bundleForBrowser(
      'export { decodeModel, encodeModel, loadModel, ModelBuilder } from "@rectify/onnx";',
    );
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.endsWith("dist/index.browser.js"))).toBe(true);
    expect(inputs.filter((input) => input.endsWith("dist/index.js"))).toEqual([]);
    const imports = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.map((entry) => entry.path),
    );
    expect(imports.filter((path) => /^(node:)?(fs|path|os|crypto)(\/|$)/.test(path))).toEqual([]);

    const module = await import(
      `data:text/javascript;base64,${Buffer.from(result.outputFiles[0]!.text).toString("base64")}`
    );
    await expect(module.loadModel("model.onnx")).rejects.toMatchObject({
      name: "OnnxError",
      code: "IO_READ",
    });
  });

  it("Node gets the entry with file I/O (the node condition)", async () => {
    const { loadModel } = await import("@rectify/onnx");
    await expect(loadModel("/nonexistent/model.onnx")).rejects.toMatchObject({
      code: "IO_READ",
      message: expect.stringMatching(/does not exist/),
    });
  });
});
