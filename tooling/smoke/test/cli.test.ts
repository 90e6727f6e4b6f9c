// The installed `rectify` command, as users get it from the packed tarballs:
// - in the "bare" project and in the global prefix (`npm install -g`), where
//   onnxruntime-node and onnxruntime-web (optional peers of @rectify/cli) are
//   really not installed: no mocks, no NODE_PATH tricks. Everything but
//   verification works; verification fails with RUNTIME_MISSING naming the
//   package to install, exit 4, before anything is written;
// - in the global prefix once an onnxruntime-node sits next to rectify there;
// - with an onnxruntime-node that is there but cannot load (PACKAGE_MISSING);
// - in the "full" project, where optimize verifies its result.
// The commands run in folders of this file's own (the projects are shared
// with other test files, which write there), so "nothing written" is exact.
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, realpath, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exitCodes } from "@rectify/cli";
import { decodeModel, validateModel } from "@rectify/onnx";
import { describe, expect, inject, it } from "vitest";
import {
  filesUnder,
  globalRectify,
  installed,
  type RectifyOptions,
  rectify,
  resolvesFrom,
} from "./support/consumer.js";
import { projectWithReplacedPackages } from "./support/project.js";
import { describeFailure, type RunResult } from "./support/run.js";
import { step } from "./support/steps.js";
import { publishedPackages } from "./support/workspace.js";

const bare = inject("bareProject");
const full = inject("fullProject");
const prefix = inject("globalPrefix");
const tarballs = inject("tarballs");
const root = inject("smokeRoot");

/** Where the bare project's rectify runs (its outputs land here), and where the global one runs. */
const work = await mkdtemp(join(root, "cli-"));
const cwd = join(work, "bare-cwd");
const globalCwd = join(work, "global-cwd");
await Promise.all([mkdir(cwd), mkdir(globalCwd)]);

/** The package.json of @rectify/cli as published (from the tarball, installed in bare). */
const manifest = JSON.parse(
  readFileSync(join(bare, "node_modules", "@rectify", "cli", "package.json"), "utf8"),
) as { version: string; peerDependencies: Record<string, string> };

/** The bare project's rectify, run in `cwd`; a non-zero exit is a result, not a throw. */
const bareRectify = (args: readonly string[], options: RectifyOptions = {}) =>
  rectify(bare, args, { cwd, allowFailure: true, ...options });

/** The rectify `npm install -g` gives, run in `globalCwd`. */
const installedGlobally = (args: readonly string[]) =>
  globalRectify(prefix, args, { cwd: globalCwd, allowFailure: true });

/** What verification needs, as the message says it: `npm install -g name@range (or in a project: …)`. */
function installAdvice(name: string): string {
  const spec = `${name}@${manifest.peerDependencies[name]}`;
  return `Install it next to rectify: npm install -g ${spec} (or in a project: npm install -D ${spec})`;
}

/** The exit code, with the command's output when an expectation on it fails. */
function expectExit(result: RunResult, code: number): void {
  expect(result.code, describeFailure(result)).toBe(code);
}

describe("rectify CLI from the npm-installed tarballs, without onnxruntime (bare project, npm i -g)", () => {
  it("npm left onnxruntime-node and onnxruntime-web out: @rectify/runtime cannot import them", async () => {
    // An optional peer is not installed: neither by the project's npm install nor by npm i -g.
    for (const name of ["onnxruntime-node", "onnxruntime-web"]) {
      expect(installed(bare, name), `${name} in the bare project`).toBe(false);
      expect(installed(join(prefix, "lib"), name), `${name} in the global prefix`).toBe(false);
    }
    const runtimes = [
      join(bare, "node_modules", "@rectify", "runtime"),
      join(prefix, "lib", "node_modules", "@rectify", "runtime"),
    ];
    for (const runtime of runtimes) {
      // The probe does find what is installed.
      expect(await resolvesFrom(runtime, "@rectify/rewrite"), runtime).toBe(true);
      expect(await resolvesFrom(runtime, "onnxruntime-node"), runtime).toBe(false);
      expect(await resolvesFrom(runtime, "onnxruntime-web"), runtime).toBe(false);
    }
  });

  it("--version, --help, targets, approximations, optimize --no-verify and inspect work (exit 0)", async () => {
    const [version, help, targets, approximations, optimized] = await step(
      "rectify --version, --help, targets, approximations, optimize --example --no-verify",
      () =>
        Promise.all([
          bareRectify(["--version"]),
          bareRectify(["--help"]),
          bareRectify(["targets"]),
          bareRectify(["approximations", "softplus"]),
          bareRectify([
            "optimize",
            "--example",
            "--target",
            "algebraic",
            "--no-verify",
            "-o",
            "example.algebraic.onnx",
          ]),
        ]),
    );
    expectExit(version, 0);
    expect(version.stdout.trim()).toBe(manifest.version);
    expect(manifest.version).toBe(
      publishedPackages().find((pkg) => pkg.name === "@rectify/cli")?.version,
    );
    expectExit(help, 0);
    expect(help.stdout).toContain("4 onnxruntime is not installed (RUNTIME_MISSING");
    expectExit(targets, 0);
    for (const target of ["ort-cpu", "ort-wasm", "ort-webgpu", "algebraic", "piecewise-linear"])
      expect(targets.stdout).toContain(target);
    expectExit(approximations, 0);
    expect(approximations.stdout).toMatch(/squareplus\{b=4\}/);
    expect(optimized.stderr).toBe("");
    expectExit(optimized, 0);
    expect(optimized.stdout).toMatch(/wrote example\.algebraic\.onnx \(\d+ sites substituted\)/);
    expect(optimized.stdout).toContain("not verified");
    const written = decodeModel(await readFile(join(cwd, "example.algebraic.onnx")));
    expect(validateModel(written)).toEqual([]);
    expect(written.graph.nodes.map((node) => node.opType)).not.toContain("Softplus");

    const inspected = await step("rectify inspect (project and npm i -g)", () =>
      Promise.all([
        bareRectify(["inspect", "example.algebraic.onnx"]),
        installedGlobally(["inspect", join(cwd, "example.algebraic.onnx")]),
      ]),
    );
    for (const result of inspected) {
      expectExit(result, 0);
      expect(result.stdout).toMatch(/activation sites: \d+/);
    }
  });

  it("optimize without --no-verify: RUNTIME_MISSING names the package to install, exit 4, nothing written", async () => {
    const before = await filesUnder(cwd);
    expect(before).toContain("example.algebraic.onnx"); // written by the test above
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
      [["optimize", "example.algebraic.onnx", "--target", "webnn", "-o", "out.onnx"], missingNode],
      // ort-wasm verifies on its own provider, onnxruntime-web; so does --provider wasm.
      [["optimize", "--example", "--target", "ort-wasm", "-o", "out.onnx"], missingWeb],
      [
        ["optimize", "--example", "--target", "algebraic", "--provider", "wasm", "-o", "out.onnx"],
        missingWeb,
      ],
    ];
    const [json, ...results] = await step(
      `rectify optimize without onnxruntime (${cases.length} cases + --json)`,
      () =>
        Promise.all([
          bareRectify([
            "optimize",
            "--example",
            "--target",
            "algebraic",
            "-o",
            "out.onnx",
            "--json",
          ]),
          ...cases.map(([args]) => bareRectify(args)),
        ]),
    );
    for (const [index, [, message]] of cases.entries()) {
      const result = results[index]!;
      expect(result.stderr).toBe(`rectify: RUNTIME_MISSING: ${message}\n`);
      expectExit(result, exitCodes.runtimeFailure);
      expect(result.code).toBe(4);
      expect(result.stdout).toBe("");
    }
    expectExit(json, 4);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: "RUNTIME_MISSING", message: missingNode, exitCode: 4 },
    });
    expect(json.stdout).toBe("");
    // No output, no report, no temporary file.
    expect(await filesUnder(cwd)).toEqual(before);
  });

  it("verify: RUNTIME_MISSING names the package to install, exit 4", async () => {
    const model = "example.algebraic.onnx";
    const [result, wasm, unknown] = await step("rectify verify without onnxruntime", () =>
      Promise.all([
        bareRectify(["verify", model, model]),
        bareRectify(["verify", model, model, "--provider", "wasm"]),
        bareRectify(["verify", model, model, "--provider", "gpu"]),
      ]),
    );
    expect(result.stderr).toBe(
      `rectify: RUNTIME_MISSING: rectify verify runs the models on onnxruntime-node, which is not installed. ${installAdvice("onnxruntime-node")}.\n`,
    );
    expect([result.code, result.stdout]).toEqual([4, ""]);
    expect(wasm.stderr).toContain(
      `on onnxruntime-web, which is not installed. ${installAdvice("onnxruntime-web")}.`,
    );
    expectExit(wasm, 4);
    // An unknown provider is still bad input, not a missing package.
    expect(unknown.stderr).toMatch(/^rectify: PROVIDER_UNKNOWN: /);
    expectExit(unknown, exitCodes.badInput);
  });

  it("an onnxruntime-node that is there but cannot load: PACKAGE_MISSING with the loader's reason, exit 4, nothing written", async () => {
    // A copy of the bare project (symlinks; @rectify/cli and @rectify/runtime
    // extracted into it, so they resolve onnxruntime-node from the copy) with
    // a broken install of onnxruntime-node (its entry file gone), not a
    // stand-in: loading it really fails. The shared bare project stays as it is.
    const project = await step("copy the bare project with a broken onnxruntime-node", async () => {
      const copy = await projectWithReplacedPackages(
        bare,
        {
          "@rectify/cli": tarballs["@rectify/cli"]!,
          "@rectify/runtime": tarballs["@rectify/runtime"]!,
        },
        work,
      );
      const broken = join(copy, "node_modules", "onnxruntime-node");
      await mkdir(broken);
      await writeFile(
        join(broken, "package.json"),
        JSON.stringify({ name: "onnxruntime-node", version: "1.30.0", main: "dist/index.js" }),
      );
      return copy;
    });
    const before = await filesUnder(project);
    const result = await step("rectify optimize with a broken onnxruntime-node", () =>
      rectify(project, ["optimize", "--example", "--target", "algebraic", "-o", "out.onnx"], {
        allowFailure: true,
      }),
    );
    expect(result.stderr).toMatch(
      /^rectify: PACKAGE_MISSING: onnxruntime-node is not installed \(or failed to load\).*Cannot find (module|package) .*onnxruntime-node/,
    );
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expectExit(result, 4);
    expect(await filesUnder(project)).toEqual(before);
  });

  // npm's global layout (prefix/lib/node_modules, prefix/bin) is the POSIX one.
  it.skipIf(process.platform === "win32")(
    "npm i -g: an onnxruntime-node installed globally next to rectify is found, and verification runs",
    async () => {
      const output = join(globalCwd, "global.onnx");
      const args = ["optimize", "--example", "--target", "algebraic", "-o", output];
      const missing = await step("rectify (npm i -g) optimize without onnxruntime", () =>
        installedGlobally(args),
      );
      expectExit(missing, 4);
      expect(missing.stderr).toMatch(
        /^rectify: RUNTIME_MISSING: verification runs the models on onnxruntime-node/,
      );
      // Where `npm install -g onnxruntime-node` puts it: <prefix>/lib/node_modules. The full
      // project's copy (the real package, linked as npm links a folder) stands in for a second
      // download; Node follows the link, so its own dependencies resolve there.
      const onnxruntimeNode = await realpath(join(full, "node_modules", "onnxruntime-node"));
      await symlink(
        onnxruntimeNode,
        join(prefix, "lib", "node_modules", "onnxruntime-node"),
        "dir",
      );

      const verified = await step(
        "rectify (npm i -g) optimize with a global onnxruntime-node",
        () => installedGlobally(args),
      );
      expect(verified.stderr).toBe("");
      expectExit(verified, 0);
      expect(verified.stdout).toMatch(
        /verified with @rectify\/runtime cpu \(ort-cpu\) on random \(seed 1\): max \|error\| /,
      );
      expect(validateModel(decodeModel(await readFile(output)))).toEqual([]);
      const [compared, wasm] = await step(
        "rectify (npm i -g) verify; optimize --target ort-wasm",
        () =>
          Promise.all([
            installedGlobally(["verify", output, output]),
            installedGlobally(["optimize", "--example", "--target", "ort-wasm"]),
          ]),
      );
      expectExit(compared, 0);
      expect(compared.stdout).toMatch(/: met$/m);
      // ort-wasm needs onnxruntime-web, still missing; the message offers the provider that is installed.
      expect(wasm.stderr).toBe(
        `rectify: RUNTIME_MISSING: verification runs the models on onnxruntime-web, which is not installed. ${installAdvice("onnxruntime-web")}, or pass --provider cpu to verify on onnxruntime-node, which is installed, or pass --no-verify to skip verification.\n`,
      );
      expectExit(wasm, 4);
    },
  );
});

describe("rectify CLI from the npm-installed tarballs, with onnxruntime-node/-web (full project)", () => {
  it("optimizes and verifies the example model", async () => {
    const result = await step("rectify optimize --example (verified, with onnxruntime)", () =>
      rectify(full, ["optimize", "--example", "--target", "algebraic"]),
    );
    expect(result.stdout).toMatch(/verified with @rectify\/runtime/);
    expect(result.stdout).not.toContain("not verified");
  });
});
