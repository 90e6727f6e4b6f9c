// The browser entry (package.json "browser" and "default" conditions): the
// same API as the Node entry, without Node built-ins; the file I/O functions
// reject with an OnnxError that says what to do in a browser instead.
export * from "./common.js";
export {
  loadExternalData,
  loadModel,
  saveModel,
  saveModelPaths,
  trackTemporaryFile,
} from "./io/browser-stubs.js";
