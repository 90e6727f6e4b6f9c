export { approximationsCommand } from "./commands/approximations.js";
export { type InspectOptions, inspectCommand } from "./commands/inspect.js";
export { type OptimizeCommandOptions, optimizeCommand } from "./commands/optimize.js";
export { targetsCommand } from "./commands/targets.js";
export { type VerifyOptions, verifyCommand } from "./commands/verify.js";
export { buildExampleModel } from "./example/example-model.js";
export { CliError, type CliErrorCode, exitCodes } from "./io/cli-error.js";
export { type CliIo, runCli } from "./main.js";
