// The published packages of the workspace and their entry points, read from
// their package.json files, so a new package or a new `exports` subpath is
// smoke-tested without editing this test.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly exports?: unknown;
}

export interface WorkspacePackage {
  readonly name: string;
  readonly version: string;
  /** Its folder in the repository. */
  readonly folder: string;
  readonly manifest: PackageManifest;
  /** Import specifiers of its exports: "@rectify/rewrite", "@rectify/rewrite/node", … */
  readonly entryPoints: readonly string[];
}

/**
 * The specifiers a package's `exports` offers to import: "." and each
 * "./subpath", without "./package.json" and pattern ("*") subpaths.
 */
export function entryPointsOf(manifest: PackageManifest): string[] {
  const exportsField = manifest.exports;
  if (exportsField === undefined) return [manifest.name];
  if (typeof exportsField === "string" || Array.isArray(exportsField)) return [manifest.name];
  const keys = Object.keys(exportsField as object);
  if (!keys.some((key) => key.startsWith("."))) return [manifest.name]; // conditions only
  return keys
    .filter((key) => key !== "./package.json" && !key.includes("*"))
    .map((key) => (key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`));
}

/** Every non-private package under packages/, by name. */
export function publishedPackages(): WorkspacePackage[] {
  const packagesFolder = join(repositoryRoot, "packages");
  return readdirSync(packagesFolder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const folder = join(packagesFolder, entry.name);
      let manifest: PackageManifest;
      try {
        manifest = JSON.parse(
          readFileSync(join(folder, "package.json"), "utf8"),
        ) as PackageManifest;
      } catch {
        return [];
      }
      if (manifest.private) return [];
      return [
        {
          name: manifest.name,
          version: manifest.version,
          folder,
          manifest,
          entryPoints: entryPointsOf(manifest),
        },
      ];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const require = createRequire(import.meta.url);

/** The workspace's TypeScript compiler (bin/tsc), not one installed in the temporary project. */
export const typescriptCompiler = join(
  dirname(require.resolve("typescript/package.json")),
  "bin",
  "tsc",
);

/** The workspace's esbuild command line (its native binary via bin/esbuild). */
export const esbuildCommand = join(
  dirname(require.resolve("esbuild/package.json")),
  "bin",
  "esbuild",
);
