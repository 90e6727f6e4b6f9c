import { lazyPackage } from "./load-package.js";

/** onnxruntime-node, loaded on first use (Node only: browser bundles never import this file). */
export const loadOrtNode = lazyPackage("onnxruntime-node", () => import("onnxruntime-node"));
