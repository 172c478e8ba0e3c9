import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'babychain-devnet-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function run(...argv: string[]): Promise<{ code: number; stderr: string }> {
  const errors: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const code = await main(argv);
  return { code, stderr: errors.join('\n') };
}

describe('pnpm devnet', () => {
  it('exits 2 with the usage on an unknown command, an unknown option or a bad argument', async () => {
    expect(await run('bogus')).toEqual({
      code: 2,
      stderr: expect.stringMatching(/^error DEVNET_BAD_ARGS: unknown command/),
    });
    expect((await run('status', '--bogus')).code).toBe(2);
    expect(await run('partition', '0,1', '--dir', dir)).toEqual({
      code: 2,
      stderr: expect.stringMatching(/error DEVNET_BAD_ARGS: partition "0,1" has one group/),
    });
    expect((await run('up', '--validators', '0', '--dir', dir)).stderr).toMatch(/--validators must be a whole number/);
    expect((await run('kill', 'x', '--dir', dir)).code).toBe(2);
  });

  it('exits 1 naming DEVNET_NOT_FOUND where there is no devnet', async () => {
    expect(await run('status', '--dir', dir)).toEqual({
      code: 1,
      stderr: expect.stringMatching(/^error DEVNET_NOT_FOUND: no devnet in /),
    });
  });
});
