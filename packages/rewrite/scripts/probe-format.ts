import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Formats a JSON file the probe scripts wrote as the repository's lint expects (biome's formatter). */
export function formatJson(path: string): void {
  execFileSync(join(root, "node_modules", ".bin", "biome"), ["format", "--write", path], {
    stdio: "ignore",
  });
}
