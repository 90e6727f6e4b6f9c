import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The version of @rectify/cli, read from its package.json (found upward from this file: src/ in a checkout, dist/ when installed). */
export function cliVersion(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 4; level++) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === "@rectify/cli" && manifest.version) return manifest.version;
    } catch {
      // No package.json here: look one folder up.
    }
    folder = dirname(folder);
  }
  return "unknown";
}
