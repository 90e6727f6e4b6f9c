import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The fields of @rectify/cli's package.json the CLI reads. */
export interface CliManifest {
  readonly name: "@rectify/cli";
  readonly version?: string;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

let manifest: CliManifest | null | undefined;

/** @rectify/cli's package.json (found upward from this file: src/ in a checkout, dist/ when installed), or null. */
export function cliManifest(): CliManifest | null {
  if (manifest !== undefined) return manifest;
  manifest = null;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 4; level++) {
    try {
      const found = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
        name?: string;
      };
      if (found.name === "@rectify/cli") {
        manifest = found as CliManifest;
        break;
      }
    } catch {
      // No package.json here: look one folder up.
    }
    folder = dirname(folder);
  }
  return manifest;
}

/** The version of @rectify/cli, read from its package.json. */
export function cliVersion(): string {
  return cliManifest()?.version || "unknown";
}
