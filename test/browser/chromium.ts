/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` if set, else the first of Debian's
 * `chromium` (what .ci/run installs: `apt-get install chromium`) and its usual other names on PATH.
 * None found is an error that says how to get one, never a skip.
 */

import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.CHROMIUM_PATH
    ? [env.CHROMIUM_PATH]
    : (env.PATH ?? "").split(delimiter).flatMap((dir) => NAMES.map((name) => join(dir, name)));
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new Error(
    `no Chromium for the browser tests: looked for ${env.CHROMIUM_PATH ? `CHROMIUM_PATH=${env.CHROMIUM_PATH}` : `${NAMES.join(", ")} on PATH`}. ` +
      "Install it (Debian/Ubuntu: apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH.",
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
