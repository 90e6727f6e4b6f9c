export { approximationsCommand } from "./commands/approximations.js";
export { inspectCommand } from "./commands/inspect.js";
export { optimizeCommand } from "./commands/optimize.js";
export { targetsCommand } from "./commands/targets.js";
export { verifyCommand } from "./commands/verify.js";
export { buildExampleModel } from "./example/example-model.js";
export { CliError, exitCodes } from "./io/cli-error.js";
export { type CliIo, runCli } from "./main.js";
