// The package's public surface is split by platform (package.json export conditions): index.node.ts and index.browser.ts.
export * from "./index.node.js";
