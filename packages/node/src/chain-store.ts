/**
 * The node's own records beside the state machine's store: the commit certificate of every height (what block
 * sync serves and the next proposal carries), the decided block of the height being applied (so a crash between
 * the decision and the state commit replays it), evidence seen, and every validator set seen in force by its hash (so
 * that the set of any committed height can be answered from its header's validators_hash).
 */
import type { CertifiedBlock, Commit, DuplicateVoteEvidence } from '@babychain/codec';
import { decode, encode, fromHex, toHex } from '@babychain/codec';
import type { ValidatorInit } from '@babychain/consensus';
import { Level } from 'level';

const COMMIT = 0x01;
const DECIDED = 0x02;
const EVIDENCE = 0x03;
/** VAL-3: every validator set this node has seen in force, by its CONS-2 hash */
const VALIDATOR_SET = 0x04;

function key(ns: number, height?: bigint): Uint8Array {
  const out = new Uint8Array(height === undefined ? 1 : 9);
  out[0] = ns;
  if (height !== undefined) new DataView(out.buffer).setBigUint64(1, height);
  return out;
}

function setKey(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + hash.length);
  out[0] = VALIDATOR_SET;
  out.set(hash, 1);
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

  /** Records a validator set by its hash (what a header's validators_hash names); idempotent. */
  async saveValidatorSet(hash: Uint8Array, validators: readonly ValidatorInit[]): Promise<void> {
    const json = validators.map((v) => ({
      name: v.name,
      publicKey: toHex(v.publicKey),
      power: v.power.toString(),
      ...(v.operator === undefined ? {} : { operator: toHex(v.operator) }),
    }));
    await this.#db.put(setKey(hash), new TextEncoder().encode(JSON.stringify(json)), { sync: true });
  }

  /** The validator set recorded under `hash`, in the order it was recorded (CONS-2). */
  async validatorSet(hash: Uint8Array): Promise<ValidatorInit[] | undefined> {
    const bytes = await this.#db.get(setKey(hash));
    if (bytes === undefined) return undefined;
    const json = JSON.parse(new TextDecoder().decode(bytes)) as {
      name: string;
      publicKey: string;
      power: string;
      operator?: string;
    }[];
    return json.map((v) => ({
      name: v.name,
      publicKey: fromHex(v.publicKey),
      power: BigInt(v.power),
      ...(v.operator === undefined ? {} : { operator: fromHex(v.operator) }),
    }));
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
    return this.#evidenceCount();
  }

  async evidence(fromHeight = 0n): Promise<DuplicateVoteEvidence[]> {
    const out: DuplicateVoteEvidence[] = [];
    for await (const value of this.#db.values({ gte: key(EVIDENCE, fromHeight), lt: key(EVIDENCE + 1) })) {
      out.push(decode('babychain.v0.DuplicateVoteEvidence', value));
    }
    return out;
  }

  /** Deletes the evidence of heights below `belowHeight` (CONS-13: too old for any block); says how many are left. */
  async pruneEvidence(belowHeight: bigint): Promise<number> {
    if (belowHeight > 0n) await this.#db.clear({ gte: key(EVIDENCE), lt: key(EVIDENCE, belowHeight) });
    return this.#evidenceCount();
  }

  async #evidenceCount(): Promise<number> {
    let n = 0;
    for await (const _ of this.#db.keys({ gte: key(EVIDENCE), lt: key(EVIDENCE + 1) })) n++;
    return n;
  }
}
