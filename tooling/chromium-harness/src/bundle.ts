import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Bundles a browser entry as a user's bundler would (ESM, es2022, no Node
 * built-ins): `external` modules are left to the page's import map.
 */
export async function bundleBrowserEntry(
  entry: string | URL,
  external: readonly string[] = [],
): Promise<string> {
  const result = await build({
    entryPoints: [typeof entry === "string" ? entry : fileURLToPath(entry)],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external: [...external],
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}
