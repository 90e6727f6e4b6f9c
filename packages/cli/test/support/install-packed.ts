import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The workspace's packages/ folder. */
const packagesFolder = fileURLToPath(new URL("../../../", import.meta.url));

interface Manifest {
  readonly name: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

/** @rectify/cli and every workspace package it depends on (directly or not): the folders to pack. */
async function workspaceClosure(): Promise<string[]> {
  const folders = new Map<string, string>();
  const manifests = new Map<string, Manifest>();
  for (const entry of await readdir(packagesFolder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = join(packagesFolder, entry.name);
    try {
      const manifest = JSON.parse(await readFile(join(folder, "package.json"), "utf8")) as Manifest;
      folders.set(manifest.name, folder);
      manifests.set(manifest.name, manifest);
    } catch {
      // Not a package.
    }
  }
  const closure = new Set<string>();
  const visit = (name: string) => {
    if (closure.has(name)) return;
    closure.add(name);
    for (const [dependency, range] of Object.entries(manifests.get(name)?.dependencies ?? {}))
      if (range.startsWith("workspace:")) visit(dependency);
  };
  visit("@rectify/cli");
  return [...closure].map((name) => folders.get(name)!);
}

/**
 * Packs @rectify/cli and its workspace dependencies as they would be
 * published (`pnpm pack` turns `workspace:` ranges into versions and takes
 * each package's built dist, so build first) into `folder`; returns the
 * tarballs.
 */
export async function packWorkspace(folder: string): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  await Promise.all(
    (await workspaceClosure()).map((cwd) =>
      run("pnpm", ["pack", "--pack-destination", folder], { cwd }),
    ),
  );
  return (await readdir(folder))
    .filter((file) => file.endsWith(".tgz"))
    .map((file) => join(folder, file));
}

/**
 * `npm install` of `tarballs` as a user's npm does it (optional peers are
 * not installed; third-party dependencies come from the registry, or npm's
 * cache): into a fresh project at `folder`, or with `global`, as
 * `npm install -g` into the prefix `folder` (binaries in folder/bin).
 */
export async function npmInstall(
  tarballs: readonly string[],
  folder: string,
  options: { global?: boolean } = {},
): Promise<void> {
  if (options.global) await mkdir(join(folder, "lib"), { recursive: true });
  else {
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, "package.json"),
      `${JSON.stringify({ name: "rectify-install-test", private: true })}\n`,
    );
  }
  await run(
    "npm",
    [
      "install",
      ...(options.global ? ["--global", "--prefix", folder] : []),
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      // None of these packages needs one; a third-party script must not make the test flaky.
      "--ignore-scripts",
      ...tarballs,
    ],
    { cwd: folder, maxBuffer: 16 * 1024 * 1024 },
  );
}
