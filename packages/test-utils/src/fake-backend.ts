import type { Header, Tx, TxBody } from '@babychain/codec';
import { blockHash, decodeTx, encode, sha256, toHex, toJson } from '@babychain/codec';
import { addressFromPublicKey, decodeAddress, encodeAddress, multisigAddress } from '@babychain/crypto';
import type { BlockEvent, DroppedTx, RpcBackend } from '@babychain/rpc';
import { checkTx, feeRefusal, fundsRefusal, nonceRefusal, spendName, txSpend } from '@babychain/state';

export const FAKE_CHAIN_ID = 'fake-1';
export const FAKE_MIN_FEE = 500n;
/** The governance parameters every fake answer carries (GOV-9), as `GET /upgrade` writes them. */
/** What a node of this software answers as RPC-18's `rules` (packages/upgrade's GOV_RULES). */
export const FAKE_GOV_RULES = {
  quorum: { numerator: 1, denominator: 3, of: 'total' },
  veto: { numerator: 1, denominator: 3, of: 'voted' },
  pass: {
    'software-upgrade': { numerator: 2, denominator: 3, of: 'total' },
    'validator-change': { numerator: 2, denominator: 3, of: 'total' },
    'cancel-upgrade': { numerator: 1, denominator: 2, of: 'yes+no+veto' },
    'param-change': { numerator: 1, denominator: 2, of: 'yes+no+veto' },
  },
  attestation: { numerator: 1, denominator: 3, of: 'total' },
  ready: { numerator: 2, denominator: 3, of: 'total' },
} as const;

export const FAKE_GOV_PARAMS = {
  minDeposit: '10000000',
  babyVotingPeriod: '20',
  grownUpVotingPeriod: '2000',
  babyUpgradeDelay: '5',
  grownUpUpgradeDelay: '200',
} as const;

const GENESIS_TIME_MS = 1_700_000_000_000n;
const VALIDATOR_KEY = new Uint8Array(32).fill(9);
const VALIDATOR_ADDRESS = addressFromPublicKey(VALIDATOR_KEY);
const APP_HASH = new Uint8Array(32).fill(0xaa);

/**
 * codec's JSON of a message, or a test's own answer, typed as the schema the server checks it against: the server's
 * response check (on in these tests) is what holds it to the shape.
 */
function schemaTyped<T>(json: unknown): T {
  return json as T;
}

/** A `GET /status` answer with every field a client parses; `overrides` replace top-level fields. */
export function fakeStatus(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    chainId: FAKE_CHAIN_ID,
    moniker: 'fake',
    version: '0.0.0',
    nodeId: 'fake',
    maturity: 'baby',
    height: '3',
    lastBlockHash: '',
    appHash: '',
    lastBlockTimeMs: '0',
    round: 0,
    step: 'propose',
    syncing: false,
    peers: 0,
    peerIds: [],
    validator: null,
    blockTimeMs: { p50: null, p99: null, samples: 0 },
    finalityMs: { p50: null, p99: null, samples: 0 },
    evidence: 0,
    mempool: { txs: 0, bytes: 0 },
    params: { minFee: String(FAKE_MIN_FEE), maxBlockBytes: '1048576', maxBlockTxs: 5000 },
    ...overrides,
  };
}

/** A transfer on the fake chain that decodes but that no key signed: for a FakeBackend that does not verify. */
export function fakeTx(nonce: bigint, fee = 500n, memo = ''): Uint8Array {
  const tx: Tx = {
    body: {
      chainId: FAKE_CHAIN_ID,
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

/** The sender of every `fakeTx`. */
export const FAKE_TX_SENDER = encodeAddress(addressFromPublicKey(new Uint8Array(32).fill(1)));

export interface FakeAccount {
  balance: bigint;
  nonce: bigint;
  multisig: { threshold: number; publicKeys: string[] } | null;
}

export interface FakeBlock {
  readonly hash: string;
  readonly header: Header;
  /** the `blocks` summary */
  readonly summary: BlockEvent['summary'];
  readonly txs: readonly Uint8Array[];
}

interface Committed {
  readonly height: bigint;
  readonly index: number;
  readonly sender: string;
  readonly tx: Tx;
  readonly bytes: Uint8Array;
}

interface Checked {
  readonly tx: Tx;
  readonly sender: string;
  readonly account: FakeAccount;
  /** what admission takes from the sender: the fee, and the amount or deposit */
  readonly cost: bigint;
}

export interface FakeBackendOptions {
  /**
   * true (the default): admission applies state's checks (chain id, signatures, nonce, fee, funds) and moves the
   * balances, as a node does; false: any transaction that decodes is admitted and the ledger stays as it is, for
   * tests of the server, whose transactions need no keys and whose refusals they script
   */
  readonly verify?: boolean;
  /** the node answers as a full node of the chain; by default it is the chain's one validator */
  readonly fullNode?: boolean;
}

export class FakeBackend implements RpcBackend {
  readonly #verify: boolean;
  readonly #fullNode: boolean;
  /** by bech32 address */
  readonly accounts = new Map<string, FakeAccount>();
  readonly #blocks = new Map<bigint, FakeBlock>();
  readonly #committed = new Map<string, Committed>();
  /** the mempool: admitted and not committed yet, by id */
  readonly pool = new Map<string, Uint8Array>();
  /** what the pool let go, by id: set by `drop` */
  readonly #dropped = new Map<string, DroppedTx>();
  /** every transaction that decoded, as submitted, admitted or not */
  readonly submitted: Uint8Array[] = [];
  /** the transactions `checkTx` was asked about and passed */
  readonly checked: Uint8Array[] = [];
  readonly #listeners = new Set<(e: BlockEvent) => void>();
  /** commit each admitted transaction in a block of its own, `commitDelayMs` after admission */
  autoCommit = true;
  commitDelayMs = 0;
  denied: readonly string[] | undefined;
  height = 0n;

  constructor(options: FakeBackendOptions = {}) {
    this.#verify = options.verify ?? true;
    this.#fullNode = options.fullNode ?? false;
    this.commitBlock([]);
    this.commitBlock([]);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  fund(address: string, balance: bigint): void {
    this.accounts.set(address, { balance, nonce: 0n, multisig: null });
  }

  balance(address: string): bigint {
    return this.accounts.get(address)?.balance ?? 0n;
  }

  /** Lets a held transaction go, as a recheck would; the next committed block tells subscribers. */
  drop(bytes: Uint8Array, why: DroppedTx): void {
    const id = toHex(sha256(bytes));
    this.pool.delete(id);
    this.#dropped.set(id, why);
  }

  dropped(idHex: string): DroppedTx | undefined {
    return this.#dropped.get(idHex);
  }

  commitBlock(txs: readonly Uint8Array[]): FakeBlock {
    const previous = this.#blocks.get(this.height);
    this.height++;
    const height = this.height;
    const header: Header = {
      version: 1,
      chainId: FAKE_CHAIN_ID,
      height,
      timeMs: GENESIS_TIME_MS + height * 1000n,
      lastBlockHash: previous === undefined ? new Uint8Array() : blockHash(previous.header),
      lastCommitHash: new Uint8Array(),
      txRoot: new Uint8Array(32).fill(1),
      validatorsHash: new Uint8Array(32).fill(2),
      nextValidatorsHash: new Uint8Array(32).fill(2),
      appHash: APP_HASH,
      proposerAddress: VALIDATOR_ADDRESS,
      evidenceHash: new Uint8Array(),
    };
    const hash = toHex(blockHash(header));
    const txIds = txs.map((t) => toHex(sha256(t)));
    const summary: BlockEvent['summary'] = {
      height: String(height),
      hash,
      appHash: toHex(APP_HASH),
      timeMs: String(header.timeMs),
      txs: txs.length,
      proposer: encodeAddress(VALIDATOR_ADDRESS),
    };
    const block: FakeBlock = { hash, header, summary, txs };
    this.#blocks.set(height, block);
    for (const [index, bytes] of txs.entries()) {
      const tx = decodeTx(bytes);
      const id = txIds[index] as string;
      this.pool.delete(id);
      this.#committed.set(id, { height, index, sender: senderOf(tx), tx, bytes });
    }
    const event: BlockEvent = { summary, txIds };
    for (const l of [...this.#listeners]) l(event);
    return block;
  }

  #full(block: FakeBlock | undefined): Awaited<ReturnType<RpcBackend['block']>> {
    if (block === undefined) return undefined;
    return {
      height: String(block.header.height),
      hash: block.hash,
      header: schemaTyped(toJson('babychain.v0.Header', block.header)),
      txIds: block.txs.map((t) => toHex(sha256(t))),
      txs: block.txs.map((t) => toHex(t)),
      commit: null,
      evidence: [],
    };
  }

  async status(): ReturnType<RpcBackend['status']> {
    const tip = this.#blocks.get(this.height);
    return schemaTyped(
      fakeStatus({
        height: String(this.height),
        lastBlockHash: tip?.hash,
        appHash: toHex(APP_HASH),
        lastBlockTimeMs: String(tip?.header.timeMs),
        validator: this.#fullNode ? null : { index: 0, address: encodeAddress(VALIDATOR_ADDRESS), power: '10' },
        mempool: { txs: this.pool.size, bytes: 0 },
        appVersion: 0,
        upgrade: { name: 'v2', height: '40', version: '0.2.0', readyPower: '10', totalPower: '10' },
      }),
    );
  }

  /** `blocks` calls answered */
  blocksCalls = 0;

  async blocks(from: bigint, to: bigint): ReturnType<RpcBackend['blocks']> {
    this.blocksCalls++;
    const out: BlockEvent['summary'][] = [];
    for (let h = from; h <= to && h <= this.height; h++) {
      const b = this.#blocks.get(h);
      if (b !== undefined) out.push(b.summary);
    }
    return out;
  }

  /** while set, `block` waits for it: tests hold requests in flight */
  gate: Promise<void> | undefined;
  /** `block` calls running now, and the most seen at once */
  blockCalls = { running: 0, max: 0, total: 0 };

  async block(height: bigint | 'latest'): ReturnType<RpcBackend['block']> {
    const calls = this.blockCalls;
    calls.total++;
    calls.running++;
    calls.max = Math.max(calls.max, calls.running);
    try {
      if (this.gate !== undefined) await this.gate;
      return this.#full(this.#blocks.get(height === 'latest' ? this.height : height));
    } finally {
      calls.running--;
    }
  }

  async blockByHash(hashHex: string): ReturnType<RpcBackend['blockByHash']> {
    return this.#full([...this.#blocks.values()].find((b) => b.hash === hashHex));
  }

  async tx(idHex: string): ReturnType<RpcBackend['tx']> {
    const c = this.#committed.get(idHex);
    if (c !== undefined) {
      return {
        id: idHex,
        height: String(c.height),
        index: c.index,
        sender: c.sender,
        tx: schemaTyped(toJson('babychain.v0.Tx', c.tx)),
        bytes: toHex(c.bytes),
      };
    }
    return this.pool.has(idHex) ? { id: idHex, pending: true } : undefined;
  }

  /** RPC-16 over the committed transactions, newest first: sent by the address, or transfers to it. */
  async accountTxs(
    address: string,
    limit: number,
    before?: { readonly height: bigint; readonly index: number },
  ): ReturnType<RpcBackend['accountTxs']> {
    decodeAddress(address);
    const below = (c: Committed) =>
      before === undefined || c.height < before.height || (c.height === before.height && c.index < before.index);
    const recipient = (c: Committed) =>
      c.tx.body?.action?.case === 'transfer' ? encodeAddress(c.tx.body.action.value.to) : undefined;
    const entries = [...this.#committed.entries()]
      .filter(([, c]) => below(c) && (c.sender === address || recipient(c) === address))
      .sort(([, a], [, b]) => (a.height !== b.height ? (a.height > b.height ? -1 : 1) : b.index - a.index))
      .slice(0, limit);
    const txs = entries.map(([id, c]) => ({
      id,
      height: String(c.height),
      index: c.index,
      sender: c.sender,
      tx: schemaTyped<Awaited<ReturnType<RpcBackend['accountTxs']>>['txs'][number]['tx']>(
        toJson('babychain.v0.Tx', c.tx),
      ),
      bytes: toHex(c.bytes),
      direction: c.sender === address ? ('sent' as const) : ('received' as const),
    }));
    return { address, txs };
  }

  /** RPC-17 for the fake's one validator, which signs and proposes every block. */
  async validatorSigning(blocks: number): ReturnType<RpcBackend['validatorSigning']> {
    const to = this.height;
    const from = to - BigInt(blocks) + 1n > 1n ? to - BigInt(blocks) + 1n : 1n;
    const count = to >= from ? Number(to - from + 1n) : 0;
    const v = { publicKey: toHex(VALIDATOR_KEY), address: encodeAddress(VALIDATOR_ADDRESS), name: 'node0' };
    return {
      from: String(from),
      to: String(to),
      validators: [{ ...v, inSet: true, signed: count, missed: 0, proposed: count }],
    };
  }

  /** What a node checks before it admits a transaction, with the node's own rules and refusals (APP-1). */
  #check(tx: Tx, bytes: Uint8Array): Checked {
    if (!this.#verify) {
      const sender = senderOf(tx);
      return { tx, sender, account: this.#account(sender), cost: 0n };
    }
    const sender = encodeAddress(checkTx(tx, FAKE_CHAIN_ID, undefined, bytes));
    const body = tx.body as TxBody; // checkTx refuses a transaction without one
    const account = this.#account(sender);
    if (body.nonce !== account.nonce) throw nonceRefusal(account.nonce, body.nonce);
    if (body.fee < FAKE_MIN_FEE) throw feeRefusal(body.fee, FAKE_MIN_FEE);
    const cost = txSpend(body);
    if (account.balance < cost) throw fundsRefusal(account.balance, cost, undefined, spendName(body));
    return { tx, sender, account, cost };
  }

  #account(address: string): FakeAccount {
    return this.accounts.get(address) ?? { balance: 0n, nonce: 0n, multisig: null };
  }

  submitTx(bytes: Uint8Array): ReturnType<RpcBackend['submitTx']> {
    const tx = decodeTx(bytes);
    this.submitted.push(bytes);
    const { sender, account, cost } = this.#check(tx, bytes);
    const id = toHex(sha256(bytes));
    if (this.#verify) this.#apply(tx, sender, account, cost);
    this.pool.set(id, bytes);
    // Never before answering, as no node can: a commit-mode waiter learns the id from this answer.
    if (this.autoCommit) {
      setTimeout(() => {
        if (this.pool.has(id)) this.commitBlock([bytes]);
      }, this.commitDelayMs).unref();
    }
    return { id, status: 'pending' };
  }

  /** Admission moves the balances at once, so that the next transaction of a sender sees its nonce taken. */
  #apply(tx: Tx, sender: string, account: FakeAccount, cost: bigint): void {
    const key = tx.body?.signer?.key;
    const multisig =
      key?.case === 'multisig'
        ? { threshold: key.value.threshold, publicKeys: key.value.publicKeys.map((k) => toHex(k)) }
        : account.multisig;
    this.accounts.set(sender, { balance: account.balance - cost, nonce: account.nonce + 1n, multisig });
    const action = tx.body?.action;
    if (action?.case === 'transfer') {
      const recipient = encodeAddress(action.value.to);
      const to = this.#account(recipient);
      this.accounts.set(recipient, { ...to, balance: to.balance + action.value.amount });
    }
  }

  async checkTx(bytes: Uint8Array): ReturnType<RpcBackend['checkTx']> {
    const { tx, sender, account } = this.#check(decodeTx(bytes), bytes);
    this.checked.push(bytes);
    const body = tx.body;
    const action = body?.action;
    return {
      id: toHex(sha256(bytes)),
      sender,
      recipient: action?.case === 'transfer' ? encodeAddress(action.value.to) : sender,
      amount: String(action?.case === 'transfer' ? action.value.amount : 0n),
      fee: String(body?.fee),
      nonce: String(body?.nonce),
      accountNonce: String(account.nonce),
      size: bytes.length,
    };
  }

  async account(address: string): ReturnType<RpcBackend['account']> {
    decodeAddress(address); // a malformed address gets the node's CRYPTO_ refusal
    const a = this.accounts.get(address);
    return {
      address,
      balance: String(a?.balance ?? 0n),
      nonce: String(a?.nonce ?? 0n),
      height: String(this.height),
      multisig: a?.multisig ?? null,
    };
  }

  async validators(): ReturnType<RpcBackend['validators']> {
    return {
      height: String(this.height),
      totalPower: '10',
      validators: [
        {
          index: 0,
          name: 'node0',
          address: encodeAddress(VALIDATOR_ADDRESS),
          publicKey: toHex(VALIDATOR_KEY),
          power: '10',
          operator: encodeAddress(VALIDATOR_ADDRESS),
        },
      ],
      jailed: [],
    };
  }

  /** A baby chain with plan v2 scheduled at height 40, every validator ready. */
  async upgrade(): ReturnType<RpcBackend['upgrade']> {
    const hex = (byte: number, n: number) => byte.toString(16).padStart(2, '0').repeat(n);
    const tally = { yes: '10', no: '0', abstain: '0', veto: '0', totalPower: '10' };
    return {
      chainId: FAKE_CHAIN_ID,
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
        ready: { validators: [toHex(VALIDATOR_ADDRESS)], power: '10', totalPower: '10' },
        attestations: [],
        proposals: [],
        results: [{ id: '1', title: 'v2', status: 'passed', tally, endHeight: '30', reason: '' }],
        applied: [],
        params: schemaTyped(fakeStatus()['params']),
        govParams: FAKE_GOV_PARAMS,
        rules: FAKE_GOV_RULES,
      },
    };
  }

  mempool(): ReturnType<RpcBackend['mempool']> {
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

/** The signer's address, unchecked: what a block of the fake credits and debits. */
function senderOf(tx: Tx): string {
  const key = tx.body?.signer?.key;
  if (key === undefined) throw new Error('a transaction given to the fake has a signer');
  return encodeAddress(
    key.case === 'ed25519'
      ? addressFromPublicKey(key.value)
      : multisigAddress(key.value.threshold, key.value.publicKeys),
  );
}
