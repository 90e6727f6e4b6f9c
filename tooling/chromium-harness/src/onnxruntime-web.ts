import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** onnxruntime-web's dist folder and the import map entries of its "." and "./webgpu" exports. */
export interface OnnxruntimeWebFiles {
  readonly dist: string;
  /** Served under /ort/; maps "onnxruntime-web" and "onnxruntime-web/webgpu" to the browser files a bundler picks. */
  readonly importMap: Readonly<Record<string, string>>;
}

/**
 * Finds onnxruntime-web as the package at `from` resolves it (each package
 * pins its own version), and the browser files of its exports.
 */
export function onnxruntimeWebFiles(from: string | URL): OnnxruntimeWebFiles {
  const require = createRequire(from);
  const root = dirname(dirname(require.resolve("onnxruntime-web")));
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    exports: Record<string, { import?: string | { default?: string } }>;
  };
  const browserFile = (subpath: string): string => {
    const entry = manifest.exports[subpath]?.import;
    const file = typeof entry === "string" ? entry : entry?.default;
    if (!file?.startsWith("./dist/"))
      throw new Error(`onnxruntime-web's package.json has no browser import for "${subpath}"`);
    return `/ort/${file.slice("./dist/".length)}`;
  };
  return {
    dist: join(root, "dist"),
    importMap: {
      "onnxruntime-web": browserFile("."),
      "onnxruntime-web/webgpu": browserFile("./webgpu"),
    },
  };
}
