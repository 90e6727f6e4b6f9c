import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Where Debian's `chromium` package installs the browser (never downloaded by tests). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** True when the browser is installed (suites skip without it). */
export const chromiumInstalled = existsSync(chromiumPath);

/** Flags measured to give headless Chromium a WebGPU adapter as root (see ENVIRONMENT.md). */
export const chromiumLaunchArguments: readonly string[] = [
  "--headless=new",
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Launches Debian's Chromium with those flags; the error says which package to install. */
export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({
      executablePath: chromiumPath,
      args: [...chromiumLaunchArguments],
    });
  } catch (error) {
    throw new Error(
      `cannot launch Chromium at ${chromiumPath} (install Debian's "chromium" package): ${String(error)}`,
    );
  }
}
