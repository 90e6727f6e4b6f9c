// Packs every published package once and installs the tarballs with npm in
// two fresh projects under os.tmpdir(), shared by all test files:
// - "bare": only the tarballs (and @types/node, as a TypeScript user has):
//   what `npm install @rectify/cli` gives, without installing onnxruntime;
// - "full": the tarballs plus onnxruntime-node and onnxruntime-web 1.30.0
//   (and @types/node);
// and installs the tarballs into a global prefix as `npm install -g` does
// (no onnxruntime either). Removes everything afterwards.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { packPackages } from "./pack.js";
import { createGlobalPrefix, createProject } from "./project.js";
import { step } from "./steps.js";
import { publishedPackages } from "./workspace.js";

/** Versions installed beside the tarballs (the ones the workspace uses). */
export const onnxruntimeSpecs = ["onnxruntime-node@1.30.0", "onnxruntime-web@1.30.0"] as const;
export const typesNodeSpec = "@types/node@20.19.43";

declare module "vitest" {
  export interface ProvidedContext {
    /** The temporary folder holding everything below (removed in teardown). */
    smokeRoot: string;
    /** Tarball path by package name. */
    tarballs: Record<string, string>;
    /** Project with the tarballs only. */
    bareProject: string;
    /** Project with the tarballs and onnxruntime-node/-web. */
    fullProject: string;
    /** Prefix of `npm install -g` of the tarballs: prefix/bin/rectify, prefix/lib/node_modules. */
    globalPrefix: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), "rectify-smoke-"));
  const teardown = async () => {
    if (process.env.RECTIFY_SMOKE_KEEP) console.log(`[smoke] kept ${root}`);
    else await rm(root, { recursive: true, force: true });
  };
  try {
    const packages = publishedPackages();
    const tarballs = await step(`pnpm pack ${packages.length} packages`, () =>
      packPackages(packages, join(root, "tarballs")),
    );
    // All at once (npm's cache is safe to share): most of the time is downloading.
    const [bareProject, fullProject, globalPrefix] = await Promise.all([
      step("npm install the tarballs (bare project)", () =>
        createProject(join(root, "bare"), [...Object.values(tarballs), typesNodeSpec]),
      ),
      step(`npm install the tarballs + ${onnxruntimeSpecs.join(" + ")} (full project)`, () =>
        createProject(join(root, "full"), [
          ...Object.values(tarballs),
          ...onnxruntimeSpecs,
          typesNodeSpec,
        ]),
      ),
      step("npm install -g the tarballs (global prefix)", () =>
        createGlobalPrefix(join(root, "global"), Object.values(tarballs)),
      ),
    ]);
    project.provide("smokeRoot", root);
    project.provide("tarballs", tarballs);
    project.provide("bareProject", bareProject);
    project.provide("fullProject", fullProject);
    project.provide("globalPrefix", globalPrefix);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
