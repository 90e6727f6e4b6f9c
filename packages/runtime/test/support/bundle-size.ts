// Measures what @rectify/runtime adds to a browser app, as a user's bundler
// would produce it: esbuild bundles a one-line app from the built package
// (browser conditions, minified, code splitting), onnxruntime left external
// (it is the user's own dependency and its size is onnxruntime's), and the
// output files are gzipped. "Loaded at start" follows static imports from the
// app's entry; "with rewrite" adds the chunks that dynamic imports load when a
// session asks for rewrite-on-load.
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

/** One measured scenario. */
export interface BundleSize {
  readonly scenario: string;
  /** Minified bytes of the files counted. */
  readonly minified: number;
  /** The same files gzipped, each on its own (as a server sends them). */
  readonly gzip: number;
  /** The largest inputs in those files, minified bytes by package. */
  readonly largest: readonly (readonly [string, number])[];
}

const apps = {
  "createSession alone":
    'import { createSession, tensor } from "@rectify/runtime";\nconst session = await createSession("model.onnx");\nconsole.log(await session.run({ x: tensor(new Float32Array(1), [1]) }));',
  "createSession with rewrite":
    'import { createSession, tensor } from "@rectify/runtime";\nconst session = await createSession("model.onnx", { rewrite: { budget: 1e-3 } });\nconsole.log(await session.run({ x: tensor(new Float32Array(1), [1]) }));',
} as const;

/** Which scenario counts which files: static imports only, or every chunk. */
const countsDynamic: Record<keyof typeof apps, boolean> = {
  "createSession alone": false,
  "createSession with rewrite": true,
};

/** Bundles both apps from `packageFolder` (the built runtime) and measures them. */
export async function measureBundles(packageFolder: string): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const [scenario, contents] of Object.entries(apps) as [keyof typeof apps, string][]) {
    const result = await build({
      stdin: { contents, resolveDir: packageFolder, loader: "ts" },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      splitting: true,
      outdir: "/bundle-size",
      write: false,
      metafile: true,
      logLevel: "silent",
      external: ["onnxruntime-web", "onnxruntime-web/*", "onnxruntime-node"],
    });
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((name) => outputs[name]!.entryPoint === "<stdin>")!;
    const counted = reachable(outputs, entry, countsDynamic[scenario]);
    let minified = 0;
    let gzip = 0;
    const byPackage = new Map<string, number>();
    for (const file of result.outputFiles) {
      const name = Object.keys(outputs).find((output) => resolve(output) === file.path);
      if (!name || !counted.has(name)) continue;
      minified += file.contents.length;
      gzip += gzipSync(file.contents).length;
      for (const [input, { bytesInOutput }] of Object.entries(outputs[name]!.inputs)) {
        const owner = packageOf(input);
        byPackage.set(owner, (byPackage.get(owner) ?? 0) + bytesInOutput);
      }
    }
    const largest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6);
    sizes.push({ scenario, minified, gzip, largest });
  }
  return sizes;
}

/** The output files loaded from `entry`: through static imports, and dynamic ones when asked. */
function reachable(outputs: Metafile["outputs"], entry: string, dynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const edge of outputs[name]!.imports) {
      if (edge.external || !outputs[edge.path]) continue;
      if (edge.kind === "import-statement" || (dynamic && edge.kind === "dynamic-import"))
        pending.push(edge.path);
    }
  }
  return seen;
}

/** "zod", "@bufbuild/protobuf", "@rectify/onnx" … for a metafile input path. */
function packageOf(input: string): string {
  const inModules = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (inModules) return inModules[1]!;
  const workspace = /(?:^|\/)packages\/([^/]+)\//.exec(input) ?? /^\.\.\/([^/]+)\//.exec(input);
  return workspace ? `@rectify/${workspace[1]}` : "@rectify/runtime";
}
