// Which Chromium the end-to-end tests drive in browser mode: Debian's (or $CHROMIUM_PATH) where it is
// installed, else Playwright's own (`npx playwright install chromium`). One answer for the script that
// prepares the tests and for e2e/fixtures.ts.
import { existsSync } from 'node:fs';

/** Debian's Chromium, or the one $CHROMIUM_PATH names: its path when it is there, else null. */
export function systemChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(path) ? path : null;
}
