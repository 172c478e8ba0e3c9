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

  async addEvidence(height: bigint, evidence: DuplicateVoteEvidence): Promise<number> {
    const existing = await this.evidence();
    const encoded = encode('babychain.v0.DuplicateVoteEvidence', evidence);
    const k = new Uint8Array([...key(EVIDENCE, height), ...new Uint8Array(4)]);
    new DataView(k.buffer).setUint32(9, existing.length);
    await this.#db.put(k, encoded, { sync: true });
    return existing.length + 1;
  }

  async evidence(): Promise<DuplicateVoteEvidence[]> {
    const out: DuplicateVoteEvidence[] = [];
    for await (const value of this.#db.values({ gte: key(EVIDENCE), lt: key(EVIDENCE + 1) })) {
      out.push(decode('babychain.v0.DuplicateVoteEvidence', value));
    }
    return out;
  }
}
