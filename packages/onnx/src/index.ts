// The Node entry (package.json "node" condition): everything, with file I/O.
export * from "./common.js";
export { loadExternalData, loadModel } from "./io/load.js";
export { saveModel, saveModelPaths } from "./io/save.js";
export { trackTemporaryFile } from "./io/temporary-files.js";
