#!/usr/bin/env node
// Checks every published package as npm would ship it: packs it once with
// `pnpm pack` (so workspace: ranges become real ones, as on publish), then
// lints the tarball with publint --strict (warnings fail) and arethetypeswrong
// with the esm-only profile (the packages are ESM only on purpose: node16 from
// ESM and bundler resolution must find the types; node10 and require() are not
// supported). It also checks what the tarball carries: LICENSE, README.md,
// CHANGELOG.md, and no workspace: range left in the manifest.
//
// Usage: node tooling/scripts/check-packages.mjs [package folder name…]
// (root script: `pnpm check-packages`, which builds first).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);
const requiredFiles = ["package.json", "LICENSE", "README.md", "CHANGELOG.md"];
const dependencyFields = ["dependencies", "peerDependencies", "optionalDependencies"];

function run(command, args, cwd) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

const wanted = process.argv.slice(2);
const packages = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && (wanted.length === 0 || wanted.includes(entry.name)))
  .map((entry) => join(root, "packages", entry.name))
  .filter((folder) => {
    try {
      return !JSON.parse(readFileSync(join(folder, "package.json"), "utf8")).private;
    } catch {
      return false;
    }
  });
if (packages.length === 0) {
  console.error(
    `check-packages: no published package matches ${wanted.join(", ") || "packages/*"}`,
  );
  process.exit(2);
}

const scratch = mkdtempSync(join(tmpdir(), "rectify-check-packages-"));
const failures = [];
try {
  for (const folder of packages) {
    const problems = [];
    const packed = run("pnpm", ["pack", "--json", "--pack-destination", scratch], folder);
    if (!packed.ok) {
      failures.push({ folder, problems: [`pnpm pack failed:\n${packed.output}`] });
      console.log(`✗ ${folder}: pnpm pack failed`);
      continue;
    }
    const info = JSON.parse(packed.output.slice(packed.output.indexOf("{")));
    const label = `${info.name}@${info.version}`;
    const files = new Set(info.files.map((file) => file.path));
    const missing = requiredFiles.filter((file) => !files.has(file));
    if (missing.length > 0) problems.push(`the tarball lacks ${missing.join(", ")}`);

    const manifest = JSON.parse(
      run("tar", ["-xOzf", info.filename, "package/package.json"], scratch).output,
    );
    const internal = [];
    for (const field of dependencyFields) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).startsWith("workspace:"))
          problems.push(`${field}.${name} is still ${range} in the tarball`);
        if (name.startsWith("@rectify/")) internal.push(`${name} ${range}`);
      }
    }

    const publint = run(bin("publint"), ["run", "--strict", info.filename], root);
    if (!publint.ok) problems.push(`publint --strict:\n${publint.output}`);
    const attw = run(
      bin("attw"),
      [
        "--profile",
        "esm-only",
        "--no-definitely-typed",
        "--format",
        "ascii",
        "--no-emoji",
        info.filename,
      ],
      root,
    );
    // attw passes a package with no types at all; ours must ship them.
    const untyped = attw.output.includes("does not contain types");
    if (!attw.ok || untyped) problems.push(`attw --profile esm-only:\n${attw.output}`);

    const publintSays = publint.output.includes("All good!") ? "all good" : "see above";
    const mark = problems.length === 0 ? "✓" : "✗";
    console.log(
      `${mark} ${label}: publint --strict ${publint.ok ? publintSays : "FAILED"}, attw esm-only ${attw.ok && !untyped ? "no problems" : "FAILED"}, ${files.size} files${internal.length ? `; internal: ${internal.join(", ")}` : ""}`,
    );
    if (publint.ok && !publint.output.includes("All good!")) console.log(publint.output);
    if (problems.length > 0) failures.push({ folder, problems });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

for (const { folder, problems } of failures) {
  console.error(`\n${folder}:`);
  for (const problem of problems) console.error(`  ${problem.replaceAll("\n", "\n  ")}`);
}
console.log(`\n${packages.length - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
