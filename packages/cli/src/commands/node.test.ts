// `baby start --unsafe-skip-upgrade` (UPG-9): what the option accepts and what it refuses, through commander.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { fakeIo } from './io.testutil.ts';
import { skipHeight, startCommand } from './node.ts';

/** the start command with its action replaced: parsing is real, no node is opened */
async function parsedSkips(args: string[]): Promise<bigint[]> {
  const cmd: Command = startCommand(fakeIo({}));
  let seen: bigint[] | undefined;
  cmd.exitOverride().action((opts: { unsafeSkipUpgrade: bigint[] }) => {
    seen = opts.unsafeSkipUpgrade;
  });
  await cmd.parseAsync(args, { from: 'user' });
  if (seen === undefined) throw new Error('the action did not run');
  return seen;
}

describe('baby start --unsafe-skip-upgrade (UPG-9)', () => {
  it('defaults to no skip heights', async () => {
    expect(await parsedSkips([])).toEqual([]);
  });

  it('is repeatable and keeps every height as a bigint', async () => {
    expect(await parsedSkips(['--unsafe-skip-upgrade', '40', '--unsafe-skip-upgrade', '18446744073709551615'])).toEqual(
      [40n, 18_446_744_073_709_551_615n],
    );
  });

  it.each([
    ['0', 'height 0 never holds a plan'],
    ['-5', 'negative'],
    ['abc', 'not a number'],
    ['1.5', 'not whole'],
    ['1e3', 'exponent notation'],
    ['', 'empty'],
    [' 40', 'padded'],
    ['18446744073709551616', 'above 2^64 - 1'],
  ])('refuses %j (%s) with CLI_BAD_ARGUMENT', async (value) => {
    await expect(parsedSkips(['--unsafe-skip-upgrade', value])).rejects.toMatchObject({ code: 'CLI_BAD_ARGUMENT' });
    expect(() => skipHeight(value)).toThrow(/is not a block height/);
  });
});
