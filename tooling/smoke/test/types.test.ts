// The published type declarations work for a TypeScript consumer of the
// npm-installed tarballs, under moduleResolution node16 and bundler.
import { describe, inject, it } from "vitest";
import { step } from "./support/steps.js";
import { type Resolution, typeCheck } from "./support/typecheck.js";
import { publishedPackages } from "./support/workspace.js";

const bare = inject("bareProject");
const entryPoints = publishedPackages().flatMap((pkg) => pkg.entryPoints);

describe("a consumer file importing every entry point type-checks", () => {
  it.concurrent.each<Resolution>(["node16", "bundler"])(
    "under moduleResolution %s",
    async (resolution) => {
      await step(`tsc --noEmit (moduleResolution ${resolution})`, () =>
        typeCheck(bare, entryPoints, resolution),
      );
    },
  );
});
