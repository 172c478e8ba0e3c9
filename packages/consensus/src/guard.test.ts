import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode, isBabyError, sha256, toHex } from '@babychain/codec';
import { publicKeyFromSeed, verify } from '@babychain/crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsensusErrorCodeValue } from './errors.ts';
import { ConsensusErrorCode } from './errors.ts';
import { DoubleSignGuard, type SignRequest } from './guard.ts';
import { crashBlockHash, nextStep, type SigningStep } from './guard-child.testutil.ts';
import { proposalSignBytes, voteSignBytes } from './signing.ts';
import { Step, VoteType } from './types.ts';
import { frame } from './wal.ts';

const CHAIN = 'babytest-guard';
const SEED = sha256(new TextEncoder().encode('guard seed'));
const PUBLIC_KEY = publicKeyFromSeed(SEED);
const A = sha256(new TextEncoder().encode('block A'));
const B = sha256(new TextEncoder().encode('block B'));
const NIL = new Uint8Array(0);
const CHILD = fileURLToPath(new URL('./guard-child.testutil.ts', import.meta.url));

const dirs: string[] = [];
async function guardFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'babychain-guard-'));
  dirs.push(dir);
  return join(dir, 'last_signed');
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function expectRefusal(p: Promise<unknown>, code: ConsensusErrorCodeValue, reason?: string): Promise<void> {
  try {
    await p;
  } catch (err: unknown) {
    expect(isBabyError(err, code), String(err)).toBe(true);
    if (reason !== undefined) expect((err as { meta: Record<string, unknown> }).meta['reason']).toBe(reason);
    return;
  }
  throw new Error(`expected ${code}`);
}

const prevote = (height: bigint, round: number, blockHash: Uint8Array, timeMs = 100n): SignRequest => ({
  step: Step.PREVOTE,
  height,
  round,
  blockHash,
  timeMs,
});

describe('DoubleSignGuard', () => {
  it('signs votes and proposals with their sign bytes and persists the last one', async () => {
    const file = await guardFile();
    const guard = await DoubleSignGuard.open(file, SEED, CHAIN);
    expect(guard.last).toBeUndefined();
    expect(existsSync(file)).toBe(false);

    const p = await guard.sign({ step: Step.PROPOSE, height: 3n, round: 1, blockHash: A, timeMs: 50n, polRound: 1 });
    expect(
      verify(
        PUBLIC_KEY,
        proposalSignBytes(CHAIN, { height: 3n, round: 1, polRound: 1, blockHash: A, timeMs: 50n }),
        p.signature,
      ),
    ).toBe(true);
    const pv = await guard.sign(prevote(3n, 1, A, 60n));
    expect(
      verify(
        PUBLIC_KEY,
        voteSignBytes(CHAIN, { type: VoteType.PREVOTE, height: 3n, round: 1, blockHash: A, timeMs: 60n }),
        pv.signature,
      ),
    ).toBe(true);
    const pc = await guard.sign({ step: Step.PRECOMMIT, height: 3n, round: 1, blockHash: NIL, timeMs: 70n });
    expect(pc.timeMs).toBe(70n);
    expect(
      verify(
        PUBLIC_KEY,
        voteSignBytes(CHAIN, { type: VoteType.PRECOMMIT, height: 3n, round: 1, blockHash: NIL, timeMs: 70n }),
        pc.signature,
      ),
    ).toBe(true);

    const expected = {
      height: 3n,
      round: 1,
      step: Step.PRECOMMIT,
      blockHash: NIL,
      timeMs: 70n,
      signature: pc.signature,
      polRound: 0,
    };
    expect(guard.last).toEqual(expected);
    expect(new Uint8Array(readFileSync(file))).toEqual(frame(encode('babychain.v0.LastSigned', expected)));
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('returns the stored signature and time for a repeated request, without signing again', async () => {
    const file = await guardFile();
    const guard = await DoubleSignGuard.open(file, SEED, CHAIN);
    const first = await guard.sign(prevote(5n, 0, A, 1_000n));
    const again = await guard.sign(prevote(5n, 0, A, 2_000n));
    expect(again.timeMs).toBe(1_000n);
    expect(toHex(again.signature)).toBe(toHex(first.signature));
    const proposal = { step: Step.PROPOSE, height: 6n, round: 2, blockHash: B, timeMs: 9n, polRound: 2 } as const;
    const p1 = await guard.sign(proposal);
    expect(toHex((await guard.sign({ ...proposal, timeMs: 10n })).signature)).toBe(toHex(p1.signature));
  });

  it('refuses a conflicting request for the last signed step', async () => {
    const guard = await DoubleSignGuard.open(await guardFile(), SEED, CHAIN);
    await guard.sign(prevote(5n, 0, A));
    await expectRefusal(guard.sign(prevote(5n, 0, B)), 'CONS_DOUBLE_SIGN', 'conflict');
    await expectRefusal(guard.sign(prevote(5n, 0, NIL)), 'CONS_DOUBLE_SIGN', 'conflict');
    await guard.sign({ step: Step.PROPOSE, height: 6n, round: 0, blockHash: A, timeMs: 1n });
    await expectRefusal(
      guard.sign({ step: Step.PROPOSE, height: 6n, round: 0, blockHash: A, timeMs: 1n, polRound: 1 }),
      'CONS_DOUBLE_SIGN',
      'conflict',
    );
  });

  it('refuses a stale request, below the last signed height, round or step', async () => {
    const guard = await DoubleSignGuard.open(await guardFile(), SEED, CHAIN);
    await guard.sign(prevote(5n, 2, A));
    await expectRefusal(guard.sign(prevote(4n, 9, A)), 'CONS_DOUBLE_SIGN', 'stale');
    await expectRefusal(guard.sign(prevote(5n, 1, A)), 'CONS_DOUBLE_SIGN', 'stale');
    await expectRefusal(
      guard.sign({ step: Step.PROPOSE, height: 5n, round: 2, blockHash: A, timeMs: 1n }),
      'CONS_DOUBLE_SIGN',
      'stale',
    );
    // higher in any component is fine
    await guard.sign({ step: Step.PRECOMMIT, height: 5n, round: 2, blockHash: B, timeMs: 1n });
    await guard.sign({ step: Step.PROPOSE, height: 5n, round: 3, blockHash: B, timeMs: 1n });
    await guard.sign(prevote(6n, 0, NIL));
    expect(guard.last?.height).toBe(6n);
  });

  it('serializes concurrent requests: one of two conflicting votes wins', async () => {
    const guard = await DoubleSignGuard.open(await guardFile(), SEED, CHAIN);
    const results = await Promise.allSettled([guard.sign(prevote(8n, 0, A)), guard.sign(prevote(8n, 0, B))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('keeps its state across a reopen', async () => {
    const file = await guardFile();
    const first = await DoubleSignGuard.open(file, SEED, CHAIN);
    const signed = await first.sign(prevote(9n, 1, A, 77n));
    const second = await DoubleSignGuard.open(file, SEED, CHAIN);
    expect(second.last).toEqual(first.last);
    await expectRefusal(second.sign(prevote(9n, 1, B)), 'CONS_DOUBLE_SIGN', 'conflict');
    await expectRefusal(second.sign(prevote(9n, 0, A)), 'CONS_DOUBLE_SIGN', 'stale');
    const repeated = await second.sign(prevote(9n, 1, A, 88n));
    expect(repeated.timeMs).toBe(77n);
    expect(toHex(repeated.signature)).toBe(toHex(signed.signature));
  });

  it('refuses to open a corrupt or unreadable file', async () => {
    const file = await guardFile();
    await (await DoubleSignGuard.open(file, SEED, CHAIN)).sign(prevote(9n, 1, A));
    const good = readFileSync(file);
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['truncated', good.subarray(0, good.length - 1)],
      ['header only', good.subarray(0, 8)],
      ['trailing byte', Uint8Array.from([...good, 0])],
      ['flipped payload byte', Uint8Array.from(good, (b, i) => (i === 12 ? b ^ 1 : b))],
      ['flipped crc', Uint8Array.from(good, (b, i) => (i === 5 ? b ^ 1 : b))],
      ['not a LastSigned', frame(new Uint8Array([0xff, 0xff, 0xff]))],
      ['nothing signed', frame(encode('babychain.v0.LastSigned', { ...lastOf(), step: 4 }))],
    ];
    for (const [name, bytes] of cases) {
      writeFileSync(file, bytes);
      await expectRefusal(DoubleSignGuard.open(file, SEED, CHAIN), ConsensusErrorCode.GUARD_CORRUPT).catch(
        (err: unknown) => {
          throw new Error(`${name}: ${String(err)}`);
        },
      );
    }
    // a path that cannot be read as a file
    const dir = await guardFile();
    mkdirSync(dir);
    await expectRefusal(DoubleSignGuard.open(dir, SEED, CHAIN), ConsensusErrorCode.GUARD_CORRUPT, 'io');
  });

  it('never signs a conflicting vote for the last acknowledged step across 20 SIGKILLs', async () => {
    const file = await guardFile();
    let acknowledged: { height: bigint; step: SigningStep; signature: string } | undefined;
    const log: string[] = [];
    for (let run = 0; run < 20; run++) {
      const printed = await crashOnce(file, 1 + Math.floor(Math.random() * 30));
      if (printed !== undefined) acknowledged = printed;
      if (acknowledged === undefined) throw new Error('the child acknowledged nothing');
      const guard = await DoubleSignGuard.open(file, SEED, CHAIN);
      const last = guard.last;
      if (last === undefined) throw new Error('nothing persisted after an acknowledged signature');
      // the guard is at or past what was acknowledged: at most one step ahead (killed between persist and print)
      const at = { height: acknowledged.height, step: acknowledged.step as number };
      const ahead = last.height !== at.height || last.step !== at.step;
      if (ahead) {
        const next = nextStep(at.height, at.step);
        expect([last.height, last.step]).toEqual([next.height, next.step]);
      }
      const request = (blockHash: Uint8Array): SignRequest => ({
        step: acknowledged?.step ?? Step.PROPOSE,
        height: at.height,
        round: 0,
        blockHash,
        timeMs: 1n,
      });
      await expectRefusal(guard.sign(request(B)), 'CONS_DOUBLE_SIGN', ahead ? 'stale' : 'conflict');
      if (!ahead) {
        expect(toHex((await guard.sign(request(crashBlockHash(at.height)))).signature)).toBe(acknowledged.signature);
      }
      log.push(`${at.height}/${at.step}${ahead ? '+1' : ''}`);
    }
    expect(log).toHaveLength(20);
  }, 30_000);
});

function lastOf() {
  return {
    height: 1n,
    round: 0,
    step: 2,
    blockHash: A,
    timeMs: 1n,
    signature: new Uint8Array(64).fill(1),
    polRound: 0,
  };
}

/**
 * Starts the child on `file` and SIGKILLs it once it has printed `killAfter` signatures (plus a random few ms).
 * Returns the last signature it printed.
 */
function crashOnce(
  file: string,
  killAfter: number,
): Promise<{ height: bigint; step: SigningStep; signature: string } | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, file, toHex(SEED), CHAIN], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last: { height: bigint; step: SigningStep; signature: string } | undefined;
    let printed = 0;
    let pending = '';
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [h, , s, sig] = line.split(' ');
        last = { height: BigInt(h as string), step: Number(s) as SigningStep, signature: sig as string };
        printed++;
      }
      if (printed >= killAfter && !killing) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 6));
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`guard child exited by itself (code ${code}): ${stderr}`));
    });
  });
}
