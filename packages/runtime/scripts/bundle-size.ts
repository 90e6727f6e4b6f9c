// `pnpm --filter @rectify/runtime size`: prints what the runtime adds to a browser bundle (see test/support/bundle-size.ts).
import { fileURLToPath } from "node:url";
import { measureBundles } from "../test/support/bundle-size.js";

for (const size of await measureBundles(fileURLToPath(new URL("..", import.meta.url)))) {
  console.log(
    `${size.scenario.padEnd(28)} ${(size.gzip / 1024).toFixed(1).padStart(6)} KB gzip ${(size.minified / 1024).toFixed(1).padStart(7)} KB minified   ${size.largest.map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)}`).join(", ")}`,
  );
}
