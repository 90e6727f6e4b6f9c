// Independent validation: onnx.checker (Debian python3-onnx) must accept every
// re-encoded model whose original it accepts, so encodeModel never turns a
// valid model into one the reference implementation rejects.
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { decodeModel, encodeModel } from "../src/index.js";

const python = "/usr/bin/python3";
const checkScript = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "check_models.py");
const dataRoot = "/usr/share/libonnx-testdata/data";
const suites = ["node", "pytorch-converted", "pytorch-operator", "simple", "real"];

function conformanceModels(): { id: string; path: string }[] {
  const models: { id: string; path: string }[] = [];
  for (const suite of suites) {
    const suiteDirectory = join(dataRoot, suite);
    if (!existsSync(suiteDirectory)) continue;
    for (const name of readdirSync(suiteDirectory).sort()) {
      const path = join(suiteDirectory, name, "model.onnx");
      if (existsSync(path)) models.push({ id: `${suite}/${name}`, path });
    }
  }
  return models;
}

const models = conformanceModels();
const workDirectory = mkdtempSync(join(tmpdir(), "rectify-checker-"));
afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

describe.skipIf(models.length === 0)("onnx.checker on re-encoded conformance models", () => {
  it("python3-onnx is importable", () => {
    const probe = spawnSync(python, ["-c", "import onnx, onnx.checker; print(onnx.__version__)"], {
      encoding: "utf8",
    });
    expect(
      probe.status,
      `${python} cannot import onnx (${probe.error?.message ?? probe.stderr.trim()}); ` +
        "install it with `apt-get install -y python3-onnx` (CI installs it)",
    ).toBe(0);
  });

  it("accepts every re-encoded model whose original it accepts", { timeout: 600_000 }, () => {
    const pairs = models.map((model, index) => {
      const directory = join(workDirectory, String(index).padStart(4, "0"));
      mkdirSync(directory);
      const reencodedPath = join(directory, "model.onnx");
      writeFileSync(
        reencodedPath,
        encodeModel(decodeModel(readFileSync(model.path), { source: model.id })),
      );
      return { ...model, reencodedPath };
    });
    // Negative control: a model the checker must reject (no valid ir_version),
    // so a checker that silently accepts everything cannot make this test pass.
    const control = decodeModel(readFileSync(models[0]!.path));
    control.irVersion = 0;
    const controlPath = join(workDirectory, "control.onnx");
    writeFileSync(controlPath, encodeModel(control));
    const listPath = join(workDirectory, "paths.json");
    const paths = [controlPath, ...pairs.flatMap((pair) => [pair.path, pair.reencodedPath])];
    writeFileSync(listPath, JSON.stringify(paths));

    let stdout: string;
    try {
      stdout = execFileSync(python, [checkScript, listPath], {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch (error) {
      throw new Error(
        `${python} ${checkScript} failed; if onnx is missing, run \`apt-get install -y python3-onnx\`: ${String(error)}`,
      );
    }
    const report = JSON.parse(stdout) as { onnx: string; results: Record<string, string | null> };

    expect(
      report.results[controlPath],
      "the checker rejects the ir_version-0 control model",
    ).toEqual(expect.any(String));
    const regressions: string[] = [];
    const rejectedOriginals: { id: string; reason: string }[] = [];
    let accepted = 0;
    for (const pair of pairs) {
      expect(pair.path in report.results && pair.reencodedPath in report.results).toBe(true);
      const original = report.results[pair.path] ?? null;
      const reencoded = report.results[pair.reencodedPath] ?? null;
      if (original !== null) {
        rejectedOriginals.push({ id: pair.id, reason: original });
        continue;
      }
      accepted++;
      if (reencoded !== null) regressions.push(`${pair.id}: ${reencoded}`);
    }

    // Group rejections by reason (numbers stripped) so the log says why in a few lines.
    const reasons = new Map<string, string[]>();
    for (const { id, reason } of rejectedOriginals) {
      const key = reason.replace(/\b\d+\b/g, "N").slice(0, 120);
      reasons.set(key, [...(reasons.get(key) ?? []), id]);
    }
    console.log(
      `checker (onnx ${report.onnx}): ${pairs.length} models, ${accepted} originals pass, ` +
        `${rejectedOriginals.length} originals rejected, ${accepted - regressions.length} re-encoded pass where the original passes`,
    );
    for (const [reason, ids] of [...reasons].sort((a, b) => b[1].length - a[1].length)) {
      console.log(`  ${ids.length} rejected: ${reason} (e.g. ${ids.slice(0, 3).join(", ")})`);
    }

    expect(regressions).toEqual([]);
    expect(accepted).toBeGreaterThan(pairs.length / 2);
  });
});
