import { execFileSync } from "node:child_process";
import { link, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkOutputs } from "./check-outputs.js";
import { CliError, describeFailure } from "./cli-error.js";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "rectify-check-outputs-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function refusal(run: Promise<void>): Promise<string> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).code).toBe("OUTPUT_INVALID");
  return (error as CliError).message;
}

describe("checkOutputs", () => {
  it("accepts new and existing regular files in writable folders, and leaves no probe behind", async () => {
    const existing = join(folder, "existing.json");
    await writeFile(existing, "{}");
    await checkOutputs(
      [
        { option: "-o", path: join(folder, "new.onnx") },
        { option: "--report", path: existing },
      ],
      [join(folder, "input.onnx")],
    );
    expect(await readdir(folder)).toEqual(["existing.json"]);
  });

  it("names the option and path of an input reached by symbolic or hard link, unless allowed", async () => {
    const work = join(folder, "links");
    await mkdir(work);
    const input = join(work, "in.onnx");
    await writeFile(input, "model");
    await link(input, join(work, "hard.onnx"));
    await symlink("in.onnx", join(work, "soft.onnx"));
    for (const name of ["in.onnx", "hard.onnx", "soft.onnx", "./../links/in.onnx"]) {
      const path = join(work, name);
      expect(await refusal(checkOutputs([{ option: "-o", path }], [input]))).toBe(
        `-o ${path}: that is the input ${input}; rectify never writes over its inputs (choose another path, or pass --overwrite-input)`,
      );
    }
    await checkOutputs(
      [{ option: "-o", path: join(work, "hard.onnx"), mayReplace: [input] }],
      [input],
    );
  });

  it("refuses the same file twice, special files and missing folders", async () => {
    const out = join(folder, "twice.onnx");
    expect(
      await refusal(
        checkOutputs(
          [
            { option: "-o", path: out },
            { option: "--report", path: join(folder, ".", "twice.onnx") },
          ],
          [],
        ),
      ),
    ).toMatch(/^--report .*twice\.onnx: that is the same file as -o .*twice\.onnx/);
    const fifo = join(folder, "pipe");
    execFileSync("mkfifo", [fifo]);
    expect(await refusal(checkOutputs([{ option: "--report", path: fifo }], []))).toMatch(
      /it is a FIFO \(named pipe\); outputs are written to regular files only/,
    );
    expect(await refusal(checkOutputs([{ option: "-o", path: "/dev/null" }], []))).toMatch(
      /it is a character device/,
    );
    expect(
      await refusal(
        checkOutputs([{ option: "-o", path: join(folder, "no", "such", "x.onnx") }], []),
      ),
    ).toMatch(/the folder .*no\/such does not exist; create it first/);
  });
});

describe("describeFailure", () => {
  it("keeps the stable code of the error, and makes the message one line", () => {
    expect(describeFailure(new CliError("USAGE", "bad"))).toEqual({
      exitCode: 2,
      code: "USAGE",
      message: "bad",
    });
    expect(describeFailure(new TypeError("x is undefined"))).toEqual({
      exitCode: 1,
      code: "INTERNAL",
      message: "internal error: x is undefined (run with --debug for the stack trace)",
    });
  });
});
