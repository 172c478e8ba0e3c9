import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WalRecord } from '@babychain/codec';
import { encode, isBabyError, sha256 } from '@babychain/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsensusErrorCode } from './errors.ts';
import { crc32c, FRAME_HEADER_BYTES, MAX_WAL_PAYLOAD, Wal } from './wal.ts';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'babychain-wal-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function voteRecord(height: bigint, i: number): WalRecord {
  return {
    record: {
      case: 'vote',
      value: {
        type: 1 + (i % 2),
        height,
        round: i,
        blockHash: sha256(new Uint8Array([i])),
        timeMs: 1_000n + BigInt(i),
        validatorIndex: i % 4,
        signature: new Uint8Array(64).fill(i),
      },
    },
  };
}
function timeoutRecord(height: bigint, round: number): WalRecord {
  return { record: { case: 'timeout', value: { height, round, step: 2 } } };
}
function proposalRecord(height: bigint, txBytes: number): WalRecord {
  const txs: Uint8Array[] = [];
  for (let left = txBytes; left > 0; left -= 65_536) txs.push(new Uint8Array(Math.min(65_536, left)).fill(7));
  return {
    record: {
      case: 'proposal',
      value: {
        proposal: {
          height,
          round: 0,
          polRound: 0,
          blockHash: sha256(new Uint8Array([1])),
          timeMs: 5n,
          signature: new Uint8Array(64).fill(3),
        },
        block: { txs, evidence: [] },
      },
    },
  };
}
const sizeOnDisk = (r: WalRecord) => FRAME_HEADER_BYTES + encode('babychain.v0.WalRecord', r).length;

/** Three records in one height's file; returns the file and the byte offset where each record ends. */
async function threeRecordFile(): Promise<{ dir: string; file: string; records: WalRecord[]; ends: number[] }> {
  const dir = await freshDir();
  const { wal } = await Wal.open(dir);
  const records = [voteRecord(3n, 0), timeoutRecord(3n, 0), voteRecord(3n, 1)];
  for (const r of records) await wal.append(3n, r);
  await wal.close();
  let end = 0;
  const ends = records.map((r) => {
    end += sizeOnDisk(r);
    return end;
  });
  const file = join(dir, '00000000000000000003.wal');
  expect(statSync(file).size).toBe(end);
  return { dir, file, records, ends };
}

describe('crc32c', () => {
  it('gives the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
});

describe('Wal', () => {
  it('round-trips records across two heights, in order, and across a reopen', async () => {
    const dir = await freshDir();
    const { wal, repaired } = await Wal.open(join(dir, 'nested', 'wal'));
    expect(repaired).toEqual([]);
    const h1 = [voteRecord(1n, 0), proposalRecord(1n, 1000), timeoutRecord(1n, 0), voteRecord(1n, 1)];
    const h2 = [voteRecord(2n, 0), timeoutRecord(2n, 3)];
    for (const r of h1) await wal.append(1n, r);
    for (const r of h2) await wal.append(2n, r, { sync: true });
    expect(await wal.read(1n)).toEqual(h1);
    expect(await wal.read(2n)).toEqual(h2);
    expect(await wal.read(3n)).toEqual([]);
    expect(await wal.heights()).toEqual([1n, 2n]);
    expect(readdirSync(join(dir, 'nested', 'wal')).sort()).toEqual([
      '00000000000000000001.wal',
      '00000000000000000002.wal',
    ]);
    await wal.close();
    await wal.close();

    const again = await Wal.open(join(dir, 'nested', 'wal'));
    expect(again.repaired).toEqual([]);
    await again.wal.append(1n, timeoutRecord(1n, 9));
    expect(await again.wal.read(1n)).toEqual([...h1, timeoutRecord(1n, 9)]);
    await again.wal.close();
  });

  it('never interleaves concurrent appends', async () => {
    const { wal } = await Wal.open(await freshDir());
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      const h = 10n + BigInt(i % 3);
      pending.push(wal.append(h, voteRecord(h, i), { sync: i % 50 === 0 }));
    }
    await Promise.all(pending);
    for (const h of [10n, 11n, 12n]) {
      const got = await wal.read(h);
      const want = Array.from({ length: 200 }, (_, i) => i)
        .filter((i) => 10n + BigInt(i % 3) === h)
        .map((i) => voteRecord(h, i));
      expect(got).toEqual(want);
    }
    await wal.close();
  });

  it('repairs a tail torn at any point of the last record', async () => {
    const { dir, file, records, ends } = await threeRecordFile();
    const whole = readFileSync(file);
    const lastStart = ends[1] as number;
    const lastLength = (ends[2] as number) - lastStart;
    for (const cut of [1, 2, 4, lastLength - FRAME_HEADER_BYTES, lastLength - FRAME_HEADER_BYTES + 1, lastLength - 1]) {
      writeFileSync(file, whole);
      truncateSync(file, whole.length - cut);
      const { wal, repaired } = await Wal.open(dir);
      expect(repaired, `cut ${cut}`).toEqual([{ file, keptRecords: 2, droppedBytes: lastLength - cut }]);
      expect(statSync(file).size).toBe(lastStart);
      expect(await wal.read(3n)).toEqual(records.slice(0, 2));
      // the log goes on after the repair
      await wal.append(3n, records[2] as WalRecord);
      expect(await wal.read(3n)).toEqual(records);
      await wal.close();
      expect((await Wal.open(dir)).repaired).toEqual([]);
    }
  });

  it('repairs trailing garbage and zeros after the last record', async () => {
    const { dir, file, records, ends } = await threeRecordFile();
    const whole = readFileSync(file);
    for (const tail of [
      new Uint8Array(1),
      new Uint8Array(8),
      new Uint8Array(4096),
      Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff),
      // a header that claims more than the limit
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 2, 3]),
    ]) {
      writeFileSync(file, whole);
      appendFileSync(file, tail);
      const { wal, repaired } = await Wal.open(dir);
      expect(repaired).toEqual([{ file, keptRecords: 3, droppedBytes: tail.length }]);
      expect(statSync(file).size).toBe(ends[2]);
      expect(await wal.read(3n)).toEqual(records);
      await wal.close();
    }
  });

  it('drops a last record with a flipped byte in its header or payload', async () => {
    const { dir, file, records, ends } = await threeRecordFile();
    const whole = readFileSync(file);
    const lastStart = ends[1] as number;
    for (const at of [lastStart, lastStart + 3, lastStart + 5, lastStart + FRAME_HEADER_BYTES, whole.length - 1]) {
      const copy = Uint8Array.from(whole);
      copy[at] = (copy[at] as number) ^ 0x04;
      writeFileSync(file, copy);
      const { wal, repaired } = await Wal.open(dir);
      expect(repaired, `flip at ${at}`).toEqual([{ file, keptRecords: 2, droppedBytes: whole.length - lastStart }]);
      expect(await wal.read(3n)).toEqual(records.slice(0, 2));
      await wal.close();
    }
  });

  it('drops a damaged middle record and everything after it', async () => {
    // A damaged record cannot be told from a torn tail, and the records after it cannot be trusted to be framed
    // where the damaged length says: the log is cut at the last record known good.
    const { dir, file, records, ends } = await threeRecordFile();
    const copy = readFileSync(file);
    const middle = (ends[0] as number) + FRAME_HEADER_BYTES + 1;
    copy[middle] = (copy[middle] as number) ^ 0xff;
    writeFileSync(file, copy);
    const { wal, repaired } = await Wal.open(dir);
    expect(repaired).toEqual([{ file, keptRecords: 1, droppedBytes: copy.length - (ends[0] as number) }]);
    expect(await wal.read(3n)).toEqual(records.slice(0, 1));
    await wal.close();
  });

  it('repairs every height file, not only the last', async () => {
    const dir = await freshDir();
    const { wal } = await Wal.open(dir);
    await wal.append(1n, voteRecord(1n, 0));
    await wal.append(2n, voteRecord(2n, 0));
    await wal.close();
    appendFileSync(join(dir, '00000000000000000001.wal'), new Uint8Array([0, 0, 0]));
    appendFileSync(join(dir, '00000000000000000002.wal'), new Uint8Array([0, 0, 0, 9]));
    const reopened = await Wal.open(dir);
    expect(reopened.repaired.map((r) => [r.keptRecords, r.droppedBytes])).toEqual([
      [1, 3],
      [1, 4],
    ]);
    await reopened.wal.close();
  });

  it('prunes the files of lower heights', async () => {
    const dir = await freshDir();
    const { wal } = await Wal.open(dir);
    for (const h of [1n, 2n, 3n, 4n]) await wal.append(h, timeoutRecord(h, 0));
    writeFileSync(join(dir, 'unrelated.txt'), 'keep me');
    await wal.prune(3n);
    expect(await wal.heights()).toEqual([3n, 4n]);
    expect(await wal.read(1n)).toEqual([]);
    expect(await wal.read(4n)).toEqual([timeoutRecord(4n, 0)]);
    expect(readdirSync(dir)).toContain('unrelated.txt');
    // the open file of height 4 was kept; pruning it closes it
    await wal.append(4n, timeoutRecord(4n, 1));
    await wal.prune(10n);
    expect(await wal.heights()).toEqual([]);
    await wal.append(4n, timeoutRecord(4n, 2));
    expect(await wal.read(4n)).toEqual([timeoutRecord(4n, 2)]);
    await wal.close();
  });

  it('logs a proposal carrying a 4 MiB block, and refuses a record over the limit', async () => {
    const dir = await freshDir();
    const { wal } = await Wal.open(dir);
    const big = proposalRecord(7n, 4 * 1024 * 1024);
    await wal.append(7n, big, { sync: true });
    await wal.append(7n, voteRecord(7n, 1), { sync: true });
    expect(await wal.read(7n)).toEqual([big, voteRecord(7n, 1)]);
    await wal.close();
    const reopened = await Wal.open(dir);
    expect(reopened.repaired).toEqual([]);
    expect((await reopened.wal.read(7n)).length).toBe(2);

    const tooBig = proposalRecord(7n, MAX_WAL_PAYLOAD);
    await expect(reopened.wal.append(7n, tooBig)).rejects.toSatisfy(
      (err: unknown) => isBabyError(err, ConsensusErrorCode.WAL_CORRUPT) && err.meta['reason'] === 'too-large',
    );
    await expect(reopened.wal.append(7n, {})).rejects.toSatisfy(
      (err: unknown) => isBabyError(err, ConsensusErrorCode.WAL_CORRUPT) && err.meta['reason'] === 'empty',
    );
    await reopened.wal.close();
    await expect(reopened.wal.append(7n, voteRecord(7n, 2))).rejects.toSatisfy((err: unknown) =>
      isBabyError(err, ConsensusErrorCode.WAL_CLOSED),
    );
  });
});
