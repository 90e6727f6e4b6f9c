/** Node-only parts of @rectify/rewrite (they read files): `import { readFeeds } from "@rectify/rewrite/node"`. */
export { readFeeds } from "./verify/read-feeds.js";
