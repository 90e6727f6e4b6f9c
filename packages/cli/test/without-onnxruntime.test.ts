// @rectify/cli as users install it: the workspace packed as it would be
// published, installed with npm into a fresh project and into a global
// prefix (npm i -g), without onnxruntime — an optional peer, which npm does
// not install. The installed binary runs with onnxruntime-node and
// onnxruntime-web really unresolvable: no mocks, no NODE_PATH tricks.
// Needs the registry (or npm's cache) for third-party dependencies.
import { execFile } from "node:child_process";
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { decodeModel, validateModel } from "@rectify/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodes } from "../src/io/cli-error.js";
import { npmInstall, packWorkspace } from "./support/install-packed.js";
import { runBin } from "./support/run-bin.js";

const run = promisify(execFile);
const manifest = JSON.parse(
  await readFile(new URL("../package.json", import.meta.url), "utf8"),
) as {
  version: string;
  peerDependencies: Record<string, string>;
};

let work: string;
let project: string;
let prefix: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "rectify-without-onnxruntime-"));
  const tarballs = await packWorkspace(join(work, "tarballs"));
  project = join(work, "project");
  prefix = join(work, "global");
  await Promise.all([
    npmInstall(tarballs, project),
    npmInstall(tarballs, prefix, { global: true }),
  ]);
}, 240_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The rectify a project's `npm install @rectify/cli` gives, run in the project. */
const rectify = (...argv: string[]) =>
  runBin(argv, { cwd: project, executable: join(project, "node_modules", ".bin", "rectify") });

/** The rectify `npm install -g @rectify/cli` gives. */
const globalRectify = (...argv: string[]) =>
  runBin(argv, { cwd: work, executable: join(prefix, "bin", "rectify") });

/** What verification needs, as the message says it: `npm install -g name@range (or in a project: …)`. */
function installAdvice(name: string): string {
  const spec = `${name}@${manifest.peerDependencies[name]}`;
  return `Install it next to rectify: npm install -g ${spec} (or in a project: npm install -D ${spec})`;
}

/** Whether Node's ESM resolution finds `name` from `folder`, as @rectify/runtime's import() there does. */
async function resolvesFrom(folder: string, name: string): Promise<boolean> {
  const probe = await run(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `try { import.meta.resolve(${JSON.stringify(name)}); console.log("found"); } catch { console.log("missing"); }`,
    ],
    { cwd: folder },
  );
  return probe.stdout.trim() === "found";
}

/** Every file under `folder` (relative paths, sorted), to show nothing was written. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true });
  return entries.filter((entry) => !entry.startsWith("node_modules")).sort();
}

describe.skipIf(process.platform === "win32")(
  "@rectify/cli installed with npm, without onnxruntime",
  () => {
    it("npm left onnxruntime-node and onnxruntime-web out: @rectify/runtime cannot import them", async () => {
      const runtimes = [
        join(project, "node_modules", "@rectify", "runtime"),
        join(prefix, "lib", "node_modules", "@rectify", "runtime"),
      ];
      for (const runtime of runtimes) {
        // The probe does find what is installed.
        expect(await resolvesFrom(runtime, "@rectify/rewrite")).toBe(true);
        expect(await resolvesFrom(runtime, "onnxruntime-node")).toBe(false);
        expect(await resolvesFrom(runtime, "onnxruntime-web")).toBe(false);
      }
    });

    it("--version, --help, targets, approximations, optimize --no-verify and inspect work (exit 0)", async () => {
      const [version, help, targets, approximations, optimized] = await Promise.all([
        rectify("--version"),
        rectify("--help"),
        rectify("targets"),
        rectify("approximations", "softplus"),
        rectify(
          "optimize",
          "--example",
          "--target",
          "algebraic",
          "--no-verify",
          "-o",
          "example.algebraic.onnx",
        ),
      ]);
      expect([version.code, version.stdout.trim()]).toEqual([0, manifest.version]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("4 onnxruntime is not installed (RUNTIME_MISSING");
      expect(targets.code).toBe(0);
      expect(targets.stdout).toMatch(/algebraic/);
      expect(approximations.code).toBe(0);
      expect(approximations.stdout).toMatch(/squareplus\{b=4\}/);
      expect(optimized.stderr).toBe("");
      expect(optimized.code).toBe(0);
      expect(optimized.stdout).toMatch(/wrote example\.algebraic\.onnx \(\d+ sites substituted\)/);
      const written = decodeModel(await readFile(join(project, "example.algebraic.onnx")));
      expect(validateModel(written)).toEqual([]);
      expect(written.graph.nodes.map((node) => node.opType)).not.toContain("Softplus");

      for (const result of await Promise.all([
        rectify("inspect", "example.algebraic.onnx"),
        globalRectify("inspect", join(project, "example.algebraic.onnx")),
      ])) {
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(/activation sites: \d+/);
      }
    });

    it("optimize without --no-verify: RUNTIME_MISSING names the package to install, exit 4, nothing written", async () => {
      const before = await filesUnder(project);
      const missingNode = `verification runs the models on onnxruntime-node, which is not installed. ${installAdvice("onnxruntime-node")}, or pass --no-verify to skip verification.`;
      const missingWeb = `verification runs the models on onnxruntime-web, which is not installed. ${installAdvice("onnxruntime-web")}, or pass --no-verify to skip verification.`;
      const cases: [string[], string][] = [
        [
          [
            "optimize",
            "--example",
            "--target",
            "algebraic",
            "-o",
            "out.onnx",
            "--report",
            "report.json",
          ],
          missingNode,
        ],
        [
          ["optimize", "example.algebraic.onnx", "--target", "webnn", "-o", "out.onnx"],
          missingNode,
        ],
        // ort-wasm verifies on its own provider, onnxruntime-web; so does --provider wasm.
        [["optimize", "--example", "--target", "ort-wasm", "-o", "out.onnx"], missingWeb],
        [
          [
            "optimize",
            "--example",
            "--target",
            "algebraic",
            "--provider",
            "wasm",
            "-o",
            "out.onnx",
          ],
          missingWeb,
        ],
      ];
      const [json, ...results] = await Promise.all([
        rectify("optimize", "--example", "--target", "algebraic", "-o", "out.onnx", "--json"),
        ...cases.map(([argv]) => rectify(...argv)),
      ]);
      for (const [index, [, message]] of cases.entries()) {
        const result = results[index]!;
        expect(result.stderr).toBe(`rectify: RUNTIME_MISSING: ${message}\n`);
        expect(result.code).toBe(exitCodes.runtimeFailure);
        expect(result.code).toBe(4);
        expect(result.stdout).toBe("");
      }
      expect(json.code).toBe(4);
      expect(JSON.parse(json.stderr)).toEqual({
        error: { code: "RUNTIME_MISSING", message: missingNode, exitCode: 4 },
      });
      expect(json.stdout).toBe("");
      // No output, no report, no temporary file.
      expect(await filesUnder(project)).toEqual(before);
    });

    it("verify: RUNTIME_MISSING names the package to install, exit 4", async () => {
      const model = "example.algebraic.onnx";
      const [result, wasm, unknown] = await Promise.all([
        rectify("verify", model, model),
        rectify("verify", model, model, "--provider", "wasm"),
        rectify("verify", model, model, "--provider", "gpu"),
      ]);
      expect(result.stderr).toBe(
        `rectify: RUNTIME_MISSING: rectify verify runs the models on onnxruntime-node, which is not installed. ${installAdvice("onnxruntime-node")}.\n`,
      );
      expect([result.code, result.stdout]).toEqual([4, ""]);
      expect(wasm.stderr).toContain(
        `on onnxruntime-web, which is not installed. ${installAdvice("onnxruntime-web")}.`,
      );
      expect(wasm.code).toBe(4);
      // An unknown provider is still bad input, not a missing package.
      expect(unknown.stderr).toMatch(/^rectify: PROVIDER_UNKNOWN: /);
      expect(unknown.code).toBe(exitCodes.badInput);
    });

    it("npm i -g: an onnxruntime-node installed globally next to rectify is found, and verification runs", async () => {
      const output = join(work, "global.onnx");
      const missing = await globalRectify(
        "optimize",
        "--example",
        "--target",
        "algebraic",
        "-o",
        output,
      );
      expect(missing.code).toBe(4);
      expect(missing.stderr).toMatch(
        /^rectify: RUNTIME_MISSING: verification runs the models on onnxruntime-node/,
      );
      // Where `npm install -g onnxruntime-node` puts it: <prefix>/lib/node_modules. The workspace's own copy
      // (the real package, linked as npm links a folder) stands in for a second 290 MB download.
      const installed = await realpath(
        fileURLToPath(new URL("../node_modules/onnxruntime-node", import.meta.url)),
      );
      await symlink(installed, join(prefix, "lib", "node_modules", "onnxruntime-node"), "dir");

      const verified = await globalRectify(
        "optimize",
        "--example",
        "--target",
        "algebraic",
        "-o",
        output,
      );
      expect(verified.stderr).toBe("");
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(
        /verified with @rectify\/runtime cpu \(ort-cpu\) on random \(seed 1\): max \|error\| /,
      );
      expect(validateModel(decodeModel(await readFile(output)))).toEqual([]);
      const compared = await globalRectify("verify", output, output);
      expect(compared.code).toBe(0);
      expect(compared.stdout).toMatch(/: met$/m);
      // ort-wasm needs onnxruntime-web, still missing; the message offers the provider that is installed.
      const wasm = await globalRectify("optimize", "--example", "--target", "ort-wasm");
      expect(wasm.stderr).toBe(
        `rectify: RUNTIME_MISSING: verification runs the models on onnxruntime-web, which is not installed. ${installAdvice("onnxruntime-web")}, or pass --provider cpu to verify on onnxruntime-node, which is installed, or pass --no-verify to skip verification.\n`,
      );
      expect(wasm.code).toBe(4);
    });

    it("an onnxruntime-node that is there but cannot load: PACKAGE_MISSING with the loader's reason, exit 4, nothing written", async () => {
      // A broken install (its entry file gone), not a stand-in for onnxruntime: loading it really fails.
      const broken = join(project, "node_modules", "onnxruntime-node");
      await mkdir(broken);
      await writeFile(
        join(broken, "package.json"),
        JSON.stringify({ name: "onnxruntime-node", version: "1.30.0", main: "dist/index.js" }),
      );
      try {
        const before = await filesUnder(project);
        const result = await rectify(
          "optimize",
          "--example",
          "--target",
          "algebraic",
          "-o",
          "out.onnx",
        );
        expect(result.stderr).toMatch(
          /^rectify: PACKAGE_MISSING: onnxruntime-node is not installed \(or failed to load\).*Cannot find (module|package) .*onnxruntime-node/,
        );
        expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
        expect(result.code).toBe(4);
        expect(await filesUnder(project)).toEqual(before);
      } finally {
        await rm(broken, { recursive: true, force: true });
      }
    });
  },
);
