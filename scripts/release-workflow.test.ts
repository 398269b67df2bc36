// The release workflow cannot run here (no network): check that it parses and has the right shape.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// js-yaml comes with electron-builder (no types of its own here).
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string;
  if?: string;
  strategy?: { matrix: { include: { os: string; installers: string }[] } };
  steps: Step[];
}
const workflow = load(readFileSync(new URL('../.github/workflows/release.yml', import.meta.url), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
};

describe('release workflow', () => {
  const { build, release } = workflow.jobs;
  const runs = build.steps.map((s) => s.run).filter(Boolean);

  it('runs on version tags and by hand', () => {
    expect(workflow.on).toMatchObject({ push: { tags: ['v*'] }, workflow_dispatch: null });
  });

  it('builds on Linux, Windows and macOS, each uploading its own installers', () => {
    const matrix = build.strategy!.matrix.include;
    expect(matrix.map((m) => m.os)).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    expect(matrix.map((m) => m.installers.trim().split('\n'))).toEqual([['dist/*.AppImage', 'dist/*.deb'], ['dist/*.exe'], ['dist/*.dmg']]);
  });

  it('tests everything on Linux, and the unit and end-to-end tests on macOS and Windows', () => {
    const on = (os: string) =>
      build.steps.filter((s) => s.run && (s.if === undefined || new Function('runner', `return ${s.if}`)({ os }))).map((s) => s.run!);
    expect(on('Linux').some((run) => run.includes('npm test'))).toBe(true);
    for (const os of ['macOS', 'Windows']) {
      expect(on(os)).toEqual(expect.arrayContaining(['npm run test:unit', 'npm run test:e2e']));
      expect(on(os).some((run) => run.includes('npm test'))).toBe(false);
    }
  });

  it('installs, tests, checks the package and builds, in that order', () => {
    const order = ['npm ci', 'npm test', 'npm run package:check', 'npm run dist'];
    const at = order.map((command) => runs.findIndex((run) => run!.includes(command)));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))?.with).toMatchObject({
      path: '${{ matrix.installers }}',
      'if-no-files-found': 'error',
    });
  });

  it('publishes a release from every OS build, on tags only', () => {
    expect(release.needs).toBe('build');
    expect(release.if).toContain('refs/tags/v');
    expect(release.steps.map((s) => s.uses?.split('@')[0])).toEqual(['actions/download-artifact', 'softprops/action-gh-release']);
  });
});
