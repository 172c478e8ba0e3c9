// `pnpm devnet upgrade-demo` as a user runs it: one command, exit status 0, the switch gap printed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Devnet, REPO_ROOT } from '../src/devnet.ts';
import { log } from './helpers.ts';

describe('pnpm devnet upgrade-demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'babychain-e2e-demo-'));
  afterAll(async () => {
    try {
      await Devnet.load(join(dir, 'devnet')).killAll();
    } catch {
      // the demo failed before it created its devnet
    }
    if (process.env['BABYCHAIN_E2E_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('runs the whole upgrade on 4 validators and switches in under 8 s', () => {
    const run = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'devnet', 'src', 'cli.ts'), 'upgrade-demo', '--dir', dir],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    for (const line of run.stdout.split('\n').filter((l) => l.trim() !== '')) log('demo', line.trim());
    if (run.status !== 0) console.error(run.stderr);
    expect(run.status).toBe(0);
    const gap = /are (\d+) ms apart/.exec(run.stdout);
    expect(gap).not.toBeNull();
    // Measured on 2 cores with four validators restarting at once: 2.9-5.7 s, both before and after issue 14
    // (restart 1.4-2.1 s under contention, then a round-0 proposal sent before the peers reconnected). 5 s failed
    // about one run in two; the bound catches a switch that takes longer than any seen here.
    expect(Number(gap?.[1])).toBeLessThan(8000);
    expect(run.stdout).toMatch(/transfers acknowledged before the halt and now committed: (\d+) of \1/);
    expect(run.stdout).toMatch(/300-byte memo, refused by 0\.1\.0 with TX_MEMO_TOO_LONG, is committed/);
  }, 300_000);
});
