// Packs the workspace packages as they would be published: `pnpm pack`
// rewrites `workspace:^` dependencies into real version ranges and keeps only
// the `files` of each package.
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./run.js";
import type { WorkspacePackage } from "./workspace.js";

/** Packs each package into `destination`; returns the tarball path by package name. */
export async function packPackages(
  packages: readonly WorkspacePackage[],
  destination: string,
): Promise<Record<string, string>> {
  await mkdir(destination, { recursive: true });
  const tarballs: Record<string, string> = {};
  for (const pkg of packages) {
    // Each into its own folder, so the tarball is the one file pnpm wrote there.
    const folder = join(destination, pkg.name.replace(/^@/, "").replace("/", "-"));
    await mkdir(folder, { recursive: true });
    await run("pnpm", ["pack", "--pack-destination", folder], { cwd: pkg.folder });
    const files = (await readdir(folder)).filter((file) => file.endsWith(".tgz"));
    if (files.length !== 1)
      throw new Error(`pnpm pack of ${pkg.name} wrote ${files.length} tarballs in ${folder}`);
    tarballs[pkg.name] = join(folder, files[0]!);
  }
  return tarballs;
}

/**
 * A copy of `tarball` without the files `remove` (paths inside the package,
 * e.g. "dist/index.browser.js"), written under `workFolder`: what a broken
 * `files` list or build would publish.
 */
export async function repackWithout(
  tarball: string,
  remove: readonly string[],
  workFolder: string,
): Promise<string> {
  const folder = await mkdtemp(join(workFolder, "repack-"));
  await run("tar", ["-xzf", tarball, "-C", folder], { cwd: folder });
  for (const file of remove) {
    const path = join(folder, "package", file);
    await rm(path); // throws when the file was not in the tarball: the test would prove nothing
  }
  const output = join(folder, "broken.tgz");
  await run("tar", ["-czf", output, "package"], { cwd: folder });
  return output;
}
