// A fresh consumer project outside the repository, installed with npm from
// the packed tarballs, as a user who runs `npm install @rectify/cli` gets it.
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
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
 * `npm install --global --prefix folder specs…`: what `npm install -g` gives
 * a user, in a prefix of its own (commands in folder/bin, packages in
 * folder/lib/node_modules; POSIX layout).
 */
export async function createGlobalPrefix(
  folder: string,
  specs: readonly string[],
): Promise<string> {
  await mkdir(join(folder, "lib"), { recursive: true });
  await run(
    "npm",
    [
      "install",
      "--global",
      "--prefix",
      folder,
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--loglevel=error",
      ...specs,
    ],
    { cwd: folder, env: npmEnvironment, timeoutMs: 300_000 },
  );
  return folder;
}

/**
 * A copy of `project` in which the package `name` is the contents of
 * `tarball` and every other installed package is a symlink to the original
 * (cheap: nothing is installed again). For tests that show a broken tarball
 * is caught.
 */
export function projectWithReplacedPackage(
  project: string,
  name: string,
  tarball: string,
  workFolder: string,
): Promise<string> {
  return projectWithReplacedPackages(project, { [name]: tarball }, workFolder);
}

/**
 * A copy of `project` in which each package of `replacements` (tarball by
 * name) is the contents of its tarball, really in the copy, and every other
 * installed package is a symlink to the original. Node follows the symlinks:
 * a linked package resolves its imports from the original project, an
 * extracted one from the copy. A replaced package's `bin` commands are
 * linked in node_modules/.bin as npm does.
 */
export async function projectWithReplacedPackages(
  project: string,
  replacements: Readonly<Record<string, string>>,
  workFolder: string,
): Promise<string> {
  const folder = await mkdtemp(join(workFolder, "replaced-"));
  await cp(join(project, "package.json"), join(folder, "package.json"));
  const modules = join(project, "node_modules");
  const target = join(folder, "node_modules");
  await mkdir(target);
  const replaced = (name: string) => Object.hasOwn(replacements, name);
  for (const entry of await readdir(modules)) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) {
      await mkdir(join(target, entry));
      for (const child of await readdir(join(modules, entry)))
        if (!replaced(`${entry}/${child}`))
          await symlink(join(modules, entry, child), join(target, entry, child), "dir");
    } else if (!replaced(entry)) await symlink(join(modules, entry), join(target, entry), "dir");
  }
  for (const [name, tarball] of Object.entries(replacements)) {
    const packageFolder = join(target, name);
    await mkdir(packageFolder, { recursive: true });
    await run("tar", ["-xzf", tarball, "-C", packageFolder, "--strip-components=1"], {
      cwd: folder,
    });
    await linkBins(packageFolder, join(target, ".bin"));
  }
  return folder;
}

/** Links the `bin` commands of the package in `packageFolder` into `binFolder` (made executable, as npm does). */
async function linkBins(packageFolder: string, binFolder: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(packageFolder, "package.json"), "utf8")) as {
    name: string;
    bin?: string | Record<string, string>;
  };
  const bins =
    typeof manifest.bin === "string"
      ? { [manifest.name.replace(/^@[^/]+\//, "")]: manifest.bin }
      : (manifest.bin ?? {});
  for (const [command, file] of Object.entries(bins)) {
    await mkdir(binFolder, { recursive: true });
    const path = join(packageFolder, file);
    await chmod(path, 0o755);
    await symlink(relative(binFolder, path), join(binFolder, command));
  }
}
