/**
 * The node's own records beside the state machine's store: the commit certificate of every height (what block
 * sync serves and the next proposal carries), the decided block of the height being applied (so a crash between
 * the decision and the state commit replays it), and evidence seen.
 */
import type { CertifiedBlock, Commit, DuplicateVoteEvidence } from '@babychain/codec';
import { decode, encode } from '@babychain/codec';
import { Level } from 'level';

const COMMIT = 0x01;
const DECIDED = 0x02;
const EVIDENCE = 0x03;

function key(ns: number, height?: bigint): Uint8Array {
  const out = new Uint8Array(height === undefined ? 1 : 9);
  out[0] = ns;
  if (height !== undefined) new DataView(out.buffer).setBigUint64(1, height);
  return out;
}

export class ChainStore {
  readonly #db: Level<Uint8Array, Uint8Array>;

  private constructor(db: Level<Uint8Array, Uint8Array>) {
    this.#db = db;
  }

  static async open(path: string): Promise<ChainStore> {
    const db = new Level<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    return new ChainStore(db);
  }

  close(): Promise<void> {
    return this.#db.close();
  }

  /** Records a decision before the state machine applies it (fsynced): block and commit, and the commit by height. */
  async saveDecided(certified: CertifiedBlock): Promise<void> {
    const height = certified.block?.header?.height ?? 0n;
    const commit = certified.commit;
    if (commit === undefined) throw new Error('ChainStore.saveDecided: no commit');
    await this.#db.batch(
      [
        { type: 'put', key: key(DECIDED), value: encode('babychain.v0.CertifiedBlock', certified) },
        { type: 'put', key: key(COMMIT, height), value: encode('babychain.v0.Commit', commit) },
      ],
      { sync: true },
    );
  }

  async decided(): Promise<CertifiedBlock | undefined> {
    const bytes = await this.#db.get(key(DECIDED));
    return bytes === undefined ? undefined : decode('babychain.v0.CertifiedBlock', bytes);
  }

  async commit(height: bigint): Promise<Commit | undefined> {
    const bytes = await this.#db.get(key(COMMIT, height));
    return bytes === undefined ? undefined : decode('babychain.v0.Commit', bytes);
  }

  /** Stores evidence once per (height, round, type, validator); returns how many are stored in all. */
  async addEvidence(height: bigint, evidence: DuplicateVoteEvidence): Promise<number> {
    const vote = evidence.voteA;
    const k = new Uint8Array(9 + 4 + 1 + 4);
    k.set(key(EVIDENCE, height));
    const view = new DataView(k.buffer);
    view.setUint32(9, vote?.round ?? 0);
    view.setUint8(13, vote?.type ?? 0);
    view.setUint32(14, vote?.validatorIndex ?? 0);
    await this.#db.put(k, encode('babychain.v0.DuplicateVoteEvidence', evidence), { sync: true });
    return (await this.evidence()).length;
  }

  async evidence(): Promise<DuplicateVoteEvidence[]> {
    const out: DuplicateVoteEvidence[] = [];
    for await (const value of this.#db.values({ gte: key(EVIDENCE), lt: key(EVIDENCE + 1) })) {
      out.push(decode('babychain.v0.DuplicateVoteEvidence', value));
    }
    return out;
  }
}
