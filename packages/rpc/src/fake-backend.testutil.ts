// A fake node for the server tests: a tiny in-memory chain whose answers have the shapes of schemas.ts, so that
// the servers under test can run with checkResponses on.
import type { Tx } from '@babychain/codec';
import { BabyError, decodeTx, encode, sha256, toHex } from '@babychain/codec';
import type { BlockEvent, DroppedTx, JsonObject, RpcBackend } from './backend.ts';

export const ADDRESS_A = 'baby1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqa0a0a0';
export const ADDRESS_MULTI = 'baby1multisigmultisigmultisigmultisig00';
const hex = (byte: number, n: number) => byte.toString(16).padStart(2, '0').repeat(n);

/** A decodable transaction (not validly signed: the fake never verifies). */
export function fakeTx(nonce: bigint, fee = 500n, memo = ''): Uint8Array {
  const tx: Tx = {
    body: {
      chainId: 'fake-1',
      signer: { key: { case: 'ed25519', value: new Uint8Array(32).fill(1) } },
      nonce,
      fee,
      memo,
      action: { case: 'transfer', value: { to: new Uint8Array(20).fill(2), amount: 1000n } },
    },
    signatures: [{ keyIndex: 0, signature: new Uint8Array(64).fill(3) }],
  };
  return encode('babychain.v0.Tx', tx);
}

interface FakeBlock {
  readonly summary: JsonObject;
  readonly txs: readonly Uint8Array[];
}

export class FakeBackend implements RpcBackend {
  readonly blocksByHeight = new Map<bigint, FakeBlock>();
  readonly pool = new Map<string, Uint8Array>();
  /** what the pool let go, by id: set by `drop` */
  readonly droppedTxs = new Map<string, DroppedTx>();
  readonly submitted: Uint8Array[] = [];
  readonly #listeners = new Set<(e: BlockEvent) => void>();
  /** commit each admitted transaction in a block of its own, a few ms later */
  autoCommit = true;
  denied: readonly string[] | undefined;
  height = 0n;

  constructor() {
    this.commitBlock([]);
    this.commitBlock([]);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Lets a held transaction go, as a recheck would; the next committed block tells subscribers. */
  drop(bytes: Uint8Array, why: DroppedTx): void {
    const id = toHex(sha256(bytes));
    this.pool.delete(id);
    this.droppedTxs.set(id, why);
  }

  dropped(idHex: string): DroppedTx | undefined {
    return this.droppedTxs.get(idHex);
  }

  commitBlock(txs: readonly Uint8Array[]): FakeBlock {
    this.height++;
    const h = this.height;
    const block: FakeBlock = {
      summary: {
        height: String(h),
        hash: hex(Number(h), 32),
        appHash: hex(0xaa, 32),
        timeMs: String(1_700_000_000_000n + h * 1000n),
        txs: txs.length,
        proposer: ADDRESS_A,
      },
      txs,
    };
    this.blocksByHeight.set(h, block);
    for (const tx of txs) this.pool.delete(toHex(sha256(tx)));
    const event: BlockEvent = { summary: block.summary, txIds: txs.map((t) => toHex(sha256(t))) };
    for (const l of [...this.#listeners]) l(event);
    return block;
  }

  #full(block: FakeBlock | undefined): JsonObject | undefined {
    if (block === undefined) return undefined;
    const s = block.summary;
    return {
      height: s['height'],
      hash: s['hash'],
      header: {
        version: 0,
        chainId: 'fake-1',
        height: s['height'],
        timeMs: s['timeMs'],
        lastBlockHash: hex(0, 32),
        lastCommitHash: '',
        txRoot: hex(1, 32),
        validatorsHash: hex(2, 32),
        nextValidatorsHash: hex(2, 32),
        appHash: s['appHash'],
        proposerAddress: hex(4, 20),
      },
      txIds: block.txs.map((t) => toHex(sha256(t))),
      txs: block.txs.map((t) => toHex(t)),
      commit: null,
    };
  }

  async status(): Promise<JsonObject> {
    const p = { p50: 1000, p99: 1200, samples: 10 };
    return {
      chainId: 'fake-1',
      moniker: 'fake',
      version: '0.0.0',
      nodeId: '12D3KooWfake',
      maturity: 'baby',
      height: String(this.height),
      lastBlockHash: String(this.blocksByHeight.get(this.height)?.summary['hash']),
      appHash: hex(0xaa, 32),
      lastBlockTimeMs: String(this.blocksByHeight.get(this.height)?.summary['timeMs']),
      round: 0,
      step: 'propose',
      syncing: false,
      peers: 3,
      peerIds: ['p1', 'p2', 'p3'],
      validator: { index: 0, address: ADDRESS_A, power: '10' },
      blockTimeMs: p,
      finalityMs: { p50: null, p99: null, samples: 0 },
      evidence: 0,
      mempool: { txs: this.pool.size, bytes: 0 },
      appVersion: 0,
      upgrade: { name: 'v2', height: '40', version: '0.2.0', readyPower: '10', totalPower: '10' },
      params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000 },
    };
  }

  /** `blocks` calls answered */
  blocksCalls = 0;

  async blocks(from: bigint, to: bigint): Promise<readonly JsonObject[]> {
    this.blocksCalls++;
    const out: JsonObject[] = [];
    for (let h = from; h <= to && h <= this.height; h++) {
      const b = this.blocksByHeight.get(h);
      if (b !== undefined) out.push(b.summary);
    }
    return out;
  }

  /** while set, `block` waits for it: tests hold requests in flight */
  gate: Promise<void> | undefined;
  /** `block` calls running now, and the most seen at once */
  blockCalls = { running: 0, max: 0, total: 0 };

  async block(height: bigint | 'latest'): Promise<JsonObject | undefined> {
    const calls = this.blockCalls;
    calls.total++;
    calls.running++;
    calls.max = Math.max(calls.max, calls.running);
    try {
      if (this.gate !== undefined) await this.gate;
      return this.#full(this.blocksByHeight.get(height === 'latest' ? this.height : height));
    } finally {
      calls.running--;
    }
  }

  async blockByHash(hashHex: string): Promise<JsonObject | undefined> {
    return this.#full([...this.blocksByHeight.values()].find((b) => b.summary['hash'] === hashHex));
  }

  async tx(idHex: string): Promise<JsonObject | undefined> {
    for (const [h, b] of this.blocksByHeight) {
      const index = b.txs.findIndex((t) => toHex(sha256(t)) === idHex);
      const bytes = b.txs[index];
      if (bytes !== undefined) {
        const tx = decodeTx(bytes);
        return {
          id: idHex,
          height: String(h),
          index,
          sender: ADDRESS_A,
          tx: {
            body: {
              chainId: tx.body?.chainId,
              signer: { key: { case: 'ed25519', value: hex(1, 32) } },
              nonce: String(tx.body?.nonce),
              fee: String(tx.body?.fee),
              memo: tx.body?.memo,
              action: { case: 'transfer', value: { to: hex(2, 20), amount: '1000' } },
            },
            signatures: [{ keyIndex: 0, signature: hex(3, 64) }],
          },
          bytes: toHex(bytes),
        };
      }
    }
    return this.pool.has(idHex) ? { id: idHex, pending: true } : undefined;
  }

  submitTx(bytes: Uint8Array): JsonObject {
    const tx = decodeTx(bytes);
    const nonce = tx.body?.nonce ?? 0n;
    if (nonce === 99n) {
      // untyped (<string>): the bytes field is not TX_BAD_NONCE's, it is here to be turned into hex (RPC-13)
      throw new BabyError<string>('TX_BAD_NONCE', 'nonce 99 is a replay', {
        expected: 5n,
        got: nonce,
        key: bytes.slice(0, 2),
      });
    }
    const id = toHex(sha256(bytes));
    this.submitted.push(bytes);
    this.pool.set(id, bytes);
    if (this.autoCommit) setTimeout(() => this.commitBlock([bytes]), 5);
    return { id, status: nonce === 7n ? 'queued' : 'pending' };
  }

  async checkTx(bytes: Uint8Array): Promise<JsonObject> {
    const tx = decodeTx(bytes);
    const fee = tx.body?.fee ?? 0n;
    if (fee < 10n) throw new BabyError('TX_FEE_TOO_LOW', `fee ${fee} is below the minimum 10`, { minFee: 10n });
    return {
      id: toHex(sha256(bytes)),
      sender: ADDRESS_A,
      recipient: ADDRESS_A,
      amount: '1000',
      fee: String(fee),
      nonce: String(tx.body?.nonce ?? 0n),
      accountNonce: '0',
      size: bytes.length,
    };
  }

  async account(address: string): Promise<JsonObject> {
    if (!address.startsWith('baby1')) throw new BabyError('ADDR_BAD_PREFIX', 'not a baby address', { address });
    if (address === 'baby1crash') throw new Error('disk on fire');
    return {
      address,
      balance: '5',
      nonce: '0',
      height: String(this.height),
      multisig: address === ADDRESS_MULTI ? { threshold: 2, publicKeys: [hex(1, 32), hex(2, 32), hex(3, 32)] } : null,
    };
  }

  async validators(): Promise<JsonObject> {
    return {
      height: String(this.height),
      totalPower: '10',
      validators: [{ index: 0, name: 'node0', address: ADDRESS_A, publicKey: hex(9, 32), power: '10' }],
    };
  }

  async upgrade(): Promise<JsonObject> {
    const tally = { yes: '10', no: '0', abstain: '0', veto: '0', totalPower: '10' };
    return {
      chainId: 'fake-1',
      height: String(this.height),
      nodeVersion: '0.1.0',
      handlers: [],
      governance: {
        maturity: 'baby',
        appVersion: 0,
        version: '',
        versionInForce: '0.1.0',
        releaseSigners: [hex(7, 32)],
        releaseThreshold: 1,
        plan: {
          name: 'v2',
          height: '40',
          appVersion: 1,
          version: '0.2.0',
          manifest: hex(1, 8),
          urls: ['http://127.0.0.1:9/{sha256}'],
          artifacts: [{ platform: 'linux-x64', sha256: hex(3, 32), size: '1000' }],
          decision: {
            height: '30',
            timeMs: '1700000000000',
            versionInForce: '0.1.0',
            releaseSigners: [hex(7, 32)],
            releaseThreshold: 1,
          },
        },
        ready: { validators: [hex(4, 20)], power: '10', totalPower: '10' },
        attestations: [],
        proposals: [],
        results: [{ id: '1', title: 'v2', status: 'passed', tally, endHeight: '30', reason: '' }],
        applied: [],
        params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000 },
        govParams: {
          minDeposit: '10000000',
          babyVotingPeriod: '20',
          grownUpVotingPeriod: '2000',
          babyUpgradeDelay: '5',
          grownUpUpgradeDelay: '200',
        },
      },
    };
  }

  mempool(): JsonObject {
    return {
      pendingTxs: this.pool.size,
      pendingBytes: 0,
      queuedTxs: 0,
      queuedBytes: 0,
      senders: 0,
      oldestQueuedBlocks: 0,
      oldestQueuedMs: 0,
      peers: 0,
    };
  }

  subscribeBlocks(listener: (e: BlockEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async metrics(): Promise<string> {
    return `babychain_height ${this.height}\n`;
  }

  setDenylist = (ids: readonly string[]): void => {
    this.denied = ids;
  };
}
