import { RuntimeError } from "../errors.js";
import type { OrtModule } from "./ort-tensors.js";

/**
 * Imports an onnxruntime package on first use. They are optional peer
 * dependencies: a user installs only what they run, and a missing one is an
 * error that names the package to install.
 */
export function lazyPackage(name: string, load: () => Promise<unknown>): () => Promise<OrtModule> {
  let loaded: Promise<OrtModule> | undefined;
  return () => {
    loaded ??= load().then(
      (module) =>
        (module as { default?: OrtModule }).default?.InferenceSession
          ? (module as { default: OrtModule }).default
          : (module as OrtModule),
      (error: unknown) => {
        loaded = undefined;
        throw new RuntimeError(
          "PACKAGE_MISSING",
          `${name} is not installed (or failed to load): install it with \`npm install ${name}\``,
          { cause: error, missingPackage: name },
        );
      },
    );
    return loaded;
  };
}
