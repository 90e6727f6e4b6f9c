import { npmModels, torchModels, userModel } from "./files.js";
import { generatedModels } from "./generated.js";
import type { ZooModel } from "./zoo-model.js";

export type { ZooModel, ZooSource } from "./zoo-model.js";
export { userModel };

/** Every zoo model: generated, then npm-shipped, then the PyTorch exports. */
export function zooModels(): ZooModel[] {
  return [...generatedModels(), ...npmModels(), ...torchModels()];
}

/**
 * The models a --models list names: ids, `*` wildcards ("cnn-*", "torch/*"),
 * or paths of .onnx files (a user's own). Unknown names are an error listing the ids.
 */
export function selectModels(
  zoo: readonly ZooModel[],
  names: readonly string[],
  dims?: Readonly<Record<string, number>>,
): ZooModel[] {
  const chosen: ZooModel[] = [];
  const add = (model: ZooModel) => {
    if (!chosen.includes(model)) chosen.push(model);
  };
  for (const name of names) {
    if (/\.onnx$/i.test(name)) {
      add(userModel(name, dims));
      continue;
    }
    const pattern = new RegExp(`^${name.split("*").map(escapeRegExp).join(".*")}$`);
    const matches = zoo.filter((model) => pattern.test(model.id));
    if (matches.length === 0)
      throw new Error(
        `no zoo model is called ${name}; the zoo has: ${zoo.map((model) => model.id).join(", ")}`,
      );
    for (const model of matches) add(model);
  }
  return chosen;
}

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
