// Type-checks a consumer file in the temporary project with the workspace's
// TypeScript, under the two module resolutions users have: node16 (Node ESM)
// and bundler (vite, esbuild, webpack).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./run.js";
import { typescriptCompiler } from "./workspace.js";

export type Resolution = "node16" | "bundler";

/** Uses a few real APIs of each package; every entry point is also imported as a namespace below it. */
const consumerSource = `import { DataType, decodeModel, encodeModel, type Model, ModelBuilder } from "@rectify/onnx";
import { getActivation } from "@rectify/kernels";
import { builtinTarget, optimizeModel } from "@rectify/rewrite";
import { builtinTargets, randomFeeds } from "@rectify/rewrite/light";
import { readFeeds } from "@rectify/rewrite/node";
import { configureRuntime, createSession, isRuntimeError, type Session, tensor } from "@rectify/runtime";
import { buildExampleModel, runCli } from "@rectify/cli";

export function buildModel(): Model {
  const builder = new ModelBuilder({ opset: 17 });
  const x = builder.input("x", DataType.FLOAT, [1, 4]);
  builder.output(builder.op("Softplus", [x]), DataType.FLOAT, [1, 4], "y");
  return builder.build();
}

export async function use(): Promise<number> {
  const bytes: Uint8Array = encodeModel(buildModel());
  const model: Model = decodeModel(bytes);
  const softplus = getActivation("softplus");
  const name: string = softplus.name;
  const { report, changed } = await optimizeModel(() => model, { target: builtinTarget("algebraic"), budget: 1e-3 });
  const substituted: boolean = changed && report.budget > 0;
  const targets = builtinTargets;
  const feeds = randomFeeds(model, { seed: 1 });
  const fromFiles = await readFeeds(model, []);
  configureRuntime({ wasmPaths: { wasm: "/ort-wasm-simd-threaded.jsep.wasm" } });
  let session: Session | undefined;
  try {
    session = await createSession(bytes, { providers: ["wasm"] });
    const outputs = await session.run({ x: tensor(new Float32Array(4), [1, 4]) });
    console.log(Object.keys(outputs), session.provider);
  } catch (error) {
    if (isRuntimeError(error)) console.log(error.code);
  } finally {
    await session?.dispose();
  }
  const example: Model = buildExampleModel();
  const exitCode: number = await runCli(["targets"]);
  return name.length + Number(substituted) + targets.size + Object.keys(feeds).length + Object.keys(fromFiles).length + example.graph.nodes.length + exitCode;
}
`;

function namespaceImports(entryPoints: readonly string[]): string {
  return entryPoints
    .map((specifier, index) => `import * as entry${index} from ${JSON.stringify(specifier)};`)
    .concat(
      `export const entries = [${entryPoints.map((_, index) => `entry${index}`).join(", ")}];`,
    )
    .join("\n");
}

const compilerOptions: Record<Resolution, Record<string, unknown>> = {
  node16: { module: "node16", moduleResolution: "node16", lib: ["ES2022"] },
  bundler: { module: "esnext", moduleResolution: "bundler", lib: ["ES2022", "DOM"] },
};

/** Writes consumer-<resolution>.ts and tsconfig.<resolution>.json, runs tsc --noEmit on them. */
export async function typeCheck(
  project: string,
  entryPoints: readonly string[],
  resolution: Resolution,
): Promise<void> {
  const consumer = `consumer-${resolution}.ts`;
  await writeFile(join(project, consumer), `${consumerSource}\n${namespaceImports(entryPoints)}\n`);
  const config = `tsconfig.${resolution}.json`;
  await writeFile(
    join(project, config),
    `${JSON.stringify(
      {
        compilerOptions: {
          ...compilerOptions[resolution],
          target: "ES2022",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
        },
        files: [consumer],
      },
      null,
      2,
    )}\n`,
  );
  await run(process.execPath, [typescriptCompiler, "--noEmit", "-p", config], {
    cwd: project,
    timeoutMs: 120_000,
  });
}
