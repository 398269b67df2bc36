// `--help`: the whole usage, and each command's, exit 0 and name every option the command takes.
import { describe, expect, it } from 'vitest';
import { HelpRequested } from './errors.ts';
import { COMMANDS, USAGE } from './main.ts';
import { cli } from './testing.ts';

describe('--help', () => {
  it('lists every command and exits 0', async () => {
    const result = await cli('--help');
    expect(result.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(result.stdout).toContain(`\n  ${name} `);
  });

  it.each(Object.keys(COMMANDS))('%s --help prints its usage and exits 0', async (name) => {
    const result = await cli(name, '--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(USAGE[name as keyof typeof USAGE]);
  });

  it.each(Object.entries(COMMANDS))("%s's usage names every option it parses", async (name, command) => {
    const asked = await command(['--help']).then(
      () => null,
      (err: unknown) => err,
    );
    expect(asked).toBeInstanceOf(HelpRequested);
    for (const flag of (asked as HelpRequested).flags) expect(USAGE[name as keyof typeof USAGE]).toContain(`--${flag}`);
  });
});
