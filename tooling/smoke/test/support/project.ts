// A fresh consumer project outside the repository, installed with npm from
// the packed tarballs, as a user who runs `npm install @rectify/cli` gets it.
import { cp, mkdir, mkdtemp, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./run.js";

/**
 * Environment of npm in the temporary project: onnxruntime-node's install
 * script would download GPU provider files (see ENVIRONMENT.md).
 */
export const npmEnvironment = { ONNXRUNTIME_NODE_INSTALL: "skip" } as const;

/** Creates `folder` with a private ESM package.json and `npm install`s `specs` (tarball paths or name@version). */
export async function createProject(folder: string, specs: readonly string[]): Promise<string> {
  await mkdir(folder, { recursive: true });
  await writeFile(
    join(folder, "package.json"),
    `${JSON.stringify({ name: "rectify-smoke-consumer", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  await npmInstall(folder, specs);
  return folder;
}

/** `npm install specs…` in the project (third-party packages come from the registry, or npm's cache). */
export async function npmInstall(folder: string, specs: readonly string[]): Promise<void> {
  await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...specs],
    { cwd: folder, env: npmEnvironment, timeoutMs: 300_000 },
  );
}

/**
 * A copy of `project` in which the package `name` is the contents of
 * `tarball` and every other installed package is a symlink to the original
 * (cheap: nothing is installed again). For tests that show a broken tarball
 * is caught.
 */
export async function projectWithReplacedPackage(
  project: string,
  name: string,
  tarball: string,
  workFolder: string,
): Promise<string> {
  const folder = await mkdtemp(join(workFolder, "replaced-"));
  await cp(join(project, "package.json"), join(folder, "package.json"));
  const modules = join(project, "node_modules");
  const target = join(folder, "node_modules");
  await mkdir(target);
  for (const entry of await readdir(modules)) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) {
      await mkdir(join(target, entry));
      for (const child of await readdir(join(modules, entry)))
        if (`${entry}/${child}` !== name)
          await symlink(join(modules, entry, child), join(target, entry, child), "dir");
    } else if (entry !== name) await symlink(join(modules, entry), join(target, entry), "dir");
  }
  const packageFolder = join(target, name);
  await mkdir(packageFolder, { recursive: true });
  await run("tar", ["-xzf", tarball, "-C", packageFolder, "--strip-components=1"], {
    cwd: folder,
  });
  return folder;
}
