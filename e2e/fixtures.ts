// One suite, two targets: the Electron app where its binary is installed, else browser mode in Chromium
// (Debian's /usr/bin/chromium, or $CHROMIUM_PATH, else Playwright's own: scripts/ensure-chromium.mjs says
// which). Either way the real renderer talks to the real engine.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, _electron as electron, chromium, type Page } from '@playwright/test';
import { electronBinary } from '../scripts/electron-binary.mjs';
import { systemChromium } from '../scripts/chromium.mjs';

export const ARTIFACTS = 'e2e-artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Start `npm run serve`'s host on a free port with its own user folder; resolves with its URL. */
function startHost(userDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/host/cli.ts', '--port', '0', '--json', '--user-dir', userDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ url: JSON.parse(line).url, child });
    });
    child.once('exit', (code) => reject(new Error(`studio host exited with code ${code} before serving`)));
  });
}

export const test = base.extend<{
  /** Switches added to Chromium's (or Electron's) defaults, for the specs that need one (number.e2e.ts's fake camera). */
  extraArgs: string[];
  page: Page;
  target: { kind: 'electron' | 'browser'; open: () => Promise<{ page: Page; close: () => Promise<void> }> };
}>({
  extraArgs: [[], { option: true }],
  target: [
    async ({ extraArgs }, use) => {
      const userDir = mkdtempSync(join(tmpdir(), 'digit-studio-e2e-'));
      const binary = electronBinary();
      if (binary) {
        await use({
          kind: 'electron',
          open: async () => {
            const app = await electron.launch({
              executablePath: binary,
              args: [...extraArgs, 'out/main/index.js'],
              env: { ...process.env, DIGIT_STUDIO_HOME: userDir },
            });
            return { page: await app.firstWindow(), close: () => app.close() };
          },
        });
        return;
      }
      const { url, child } = await startHost(userDir);
      // Playwright hides scrollbars in headless Chromium; a person's window has them, and they take room (issue 29, item 7).
      const browser = await chromium.launch({
        executablePath: systemChromium() ?? undefined,
        args: [...CHROMIUM_ARGS, ...extraArgs],
        ignoreDefaultArgs: ['--hide-scrollbars'],
      });
      await use({
        kind: 'browser',
        open: async () => {
          const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
          const page = await context.newPage();
          await page.goto(url);
          return { page, close: () => context.close() };
        },
      });
      await browser.close();
      child.kill('SIGTERM');
    },
    // A host and a user folder of its own for every test: no test sees the runs another one trained.
    { scope: 'test' },
  ],
  page: async ({ target }, use) => {
    const { page, close } = await target.open();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.getByTestId('backend').waitFor();
    await use(page);
    await close();
    // A page that logged errors (CSP violations, exceptions) fails its test.
    if (problems.length) throw new Error(`the page logged errors:\n${problems.join('\n')}`);
  },
});

export { expect } from '@playwright/test';
