/**
 * A fake node for the CLI's unit tests: the REST routes of specs/rpc.md on loopback,
 * over a toy ledger that checks what a real node checks of a transfer (chain id, signer, signatures, nonce, fee,
 * funds) and commits each admitted transfer in a block of its own after `commitDelayMs`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Header, Tx } from '@babychain/codec';
import { blockHash, decodeTx, fromHex, sha256, toHex, toJson, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, decodeAddress, encodeAddress, multisigAddress, verify } from '@babychain/crypto';
import type { CliIo } from '../io.ts';

export const CHAIN_ID = 'fake-chain-1';
export const MIN_FEE = 500n;

interface FakeAccount {
  balance: bigint;
  nonce: bigint;
  multisig: { threshold: number; publicKeys: string[] } | null;
}

interface Committed {
  id: string;
  height: bigint;
  index: number;
  sender: string;
  tx: Tx;
  bytes: Uint8Array;
}

export class RuleError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export class FakeNode {
  readonly accounts = new Map<string, FakeAccount>();
  readonly committed = new Map<string, Committed>();
  /** every tx as submitted (hex), accepted or not */
  readonly submitted: string[] = [];
  /** the transactions POST /txs/check was asked about */
  readonly checked: string[] = [];
  /** every request as `METHOD /path` */
  readonly requests: string[] = [];
  readonly blocks: { height: bigint; timeMs: bigint; txIds: string[] }[] = [];
  height = 1n;
  commitDelayMs = 0;
  readonly #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.blocks.push({ height: 1n, timeMs: 1_700_000_000_000n, txIds: [] });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  fund(address: string, balance: bigint): void {
    this.accounts.set(address, { balance, nonce: 0n, multisig: null });
  }

  balance(address: string): bigint {
    return this.accounts.get(address)?.balance ?? 0n;
  }

  // -------------------------------------------------------------------------------------------------------------

  status() {
    return {
      chainId: CHAIN_ID,
      moniker: 'fake',
      version: '0.0.0-fake',
      nodeId: '12D3KooWFake',
      maturity: 'baby',
      height: String(this.height),
      lastBlockHash: '11'.repeat(32),
      appHash: '22'.repeat(32),
      lastBlockTimeMs: String(this.blocks.at(-1)?.timeMs ?? 0n),
      round: 0,
      step: 'propose',
      syncing: false,
      peers: 3,
      peerIds: [],
      validator: null,
      blockTimeMs: { p50: 1000, p99: 1100, samples: 10 },
      finalityMs: { p50: 1000, p99: 1100, samples: 10 },
      evidence: 0,
      mempool: { txs: 0, bytes: 0 },
      params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000 },
    };
  }

  account(address: string) {
    decodeAddress(address, 'baby');
    const a = this.accounts.get(address);
    return {
      address,
      balance: String(a?.balance ?? 0n),
      nonce: String(a?.nonce ?? 0n),
      height: String(this.height),
      multisig: a?.multisig ?? null,
    };
  }

  block(height: string) {
    const h = height === 'latest' ? this.height : BigInt(height);
    const b = this.blocks.find((x) => x.height === h);
    if (b === undefined) throw new RuleError('RPC_NOT_FOUND', `no block at height ${height}`, 404);
    const header: Header = {
      version: 1,
      chainId: CHAIN_ID,
      height: b.height,
      timeMs: b.timeMs,
      lastBlockHash: new Uint8Array(),
      lastCommitHash: new Uint8Array(),
      txRoot: new Uint8Array(),
      validatorsHash: new Uint8Array(32).fill(3),
      nextValidatorsHash: new Uint8Array(32).fill(3),
      appHash: new Uint8Array(32).fill(2),
      proposerAddress: new Uint8Array(20).fill(9),
    };
    return {
      height: String(b.height),
      hash: toHex(blockHash(header)),
      header: toJson('babychain.v0.Header', header),
      txIds: b.txIds,
      txs: b.txIds.map((id) => toHex((this.committed.get(id) as Committed).bytes)),
      commit: null,
    };
  }

  tx(id: string) {
    const c = this.committed.get(id);
    if (c === undefined) throw new RuleError('RPC_NOT_FOUND', `no committed transaction ${id}`, 404);
    return {
      id,
      height: String(c.height),
      index: c.index,
      sender: c.sender,
      tx: toJson('babychain.v0.Tx', c.tx),
      bytes: toHex(c.bytes),
    };
  }

  /** `POST /txs/check`: every check of a submission, nothing applied */
  check(hex: string) {
    return this.submit(hex, 'check');
  }

  submit(hex: string, mode: string) {
    if (mode !== 'check') this.submitted.push(hex);
    const bytes = fromHex(hex);
    const id = toHex(sha256(bytes));
    const tx = decodeTx(bytes);
    const body = tx.body;
    if (body === undefined) throw new RuleError('TX_MISSING_BODY', 'no body');
    if (body.chainId !== CHAIN_ID) throw new RuleError('TX_WRONG_CHAIN_ID', `chain id ${body.chainId}`);
    const key = body.signer?.key;
    if (key === undefined) throw new RuleError('TX_MISSING_SIGNER', 'no signer');
    const signBytes = txSignBytes(body);
    let senderBytes: Uint8Array;
    if (key.case === 'ed25519') {
      senderBytes = addressFromPublicKey(key.value);
      const sig = tx.signatures[0];
      if (tx.signatures.length !== 1 || sig?.keyIndex !== 0) throw new RuleError('TX_SIGNATURE_COUNT', 'one');
      if (!verify(key.value, signBytes, sig.signature)) throw new RuleError('TX_BAD_SIGNATURE', 'bad signature');
    } else {
      senderBytes = multisigAddress(key.value.threshold, key.value.publicKeys);
      let last = -1;
      for (const sig of tx.signatures) {
        if (sig.keyIndex <= last) throw new RuleError('TX_SIGNATURES_UNSORTED', 'unsorted');
        last = sig.keyIndex;
        const pk = key.value.publicKeys[sig.keyIndex];
        if (pk === undefined) throw new RuleError('TX_UNKNOWN_SIGNER', 'index');
        if (!verify(pk, signBytes, sig.signature)) throw new RuleError('TX_BAD_SIGNATURE', 'bad signature');
      }
      if (tx.signatures.length < key.value.threshold) throw new RuleError('TX_BELOW_THRESHOLD', 'too few');
    }
    const sender = encodeAddress(senderBytes, 'baby');
    const account = this.accounts.get(sender) ?? { balance: 0n, nonce: 0n, multisig: null };
    if (body.nonce !== account.nonce) {
      throw new RuleError('TX_BAD_NONCE', `nonce ${body.nonce}, the account is at ${account.nonce}`);
    }
    if (body.fee < MIN_FEE) throw new RuleError('TX_FEE_TOO_LOW', `fee ${body.fee} < ${MIN_FEE}`);
    if (body.action?.case !== 'transfer') throw new RuleError('TX_MISSING_ACTION', 'no transfer');
    const { to, amount } = body.action.value;
    if (account.balance < amount + body.fee) throw new RuleError('TX_INSUFFICIENT_FUNDS', 'insufficient funds');
    if (mode === 'check') {
      this.checked.push(hex);
      const n = String(body.nonce);
      return { id, sender, fee: String(body.fee), nonce: n, accountNonce: String(account.nonce) };
    }
    account.balance -= amount + body.fee;
    account.nonce += 1n;
    if (key.case === 'multisig') {
      account.multisig = { threshold: key.value.threshold, publicKeys: key.value.publicKeys.map((k) => toHex(k)) };
    }
    this.accounts.set(sender, account);
    const recipient = encodeAddress(to, 'baby');
    const toAccount = this.accounts.get(recipient) ?? { balance: 0n, nonce: 0n, multisig: null };
    toAccount.balance += amount;
    this.accounts.set(recipient, toAccount);
    const commit = () => {
      this.height += 1n;
      this.blocks.push({ height: this.height, timeMs: 1_700_000_000_000n + this.height * 1000n, txIds: [id] });
      this.committed.set(id, { id, height: this.height, index: 0, sender, tx, bytes });
    };
    if (this.commitDelayMs === 0) commit();
    else setTimeout(commit, this.commitDelayMs).unref();
    return mode === 'async' ? { id } : { id, status: 'pending' };
  }

  // -------------------------------------------------------------------------------------------------------------

  #route(method: string, path: string, body: Record<string, unknown>): unknown {
    const url = new URL(path, 'http://x');
    const p = url.pathname.replace(/\/+$/, '');
    const get = (re: RegExp) => (method === 'GET' ? (re.exec(p)?.[1] ?? null) : null);
    if (method === 'GET' && p === '/status') return this.status();
    const address = get(/^\/accounts\/([^/]+)$/);
    if (address !== null) return this.account(decodeURIComponent(address));
    const height = get(/^\/blocks\/(latest|\d+)$/);
    if (height !== null) return this.block(height);
    const id = get(/^\/txs\/([0-9a-f]{64})$/);
    if (id !== null) return this.tx(id);
    if (method === 'POST' && p === '/txs') return this.submit(String(body['tx']), String(body['mode'] ?? 'sync'));
    if (method === 'POST' && p === '/txs/check') return this.check(String(body['tx']));
    throw new RuleError('RPC_NOT_FOUND', `no route ${method} ${p}`, 404);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    this.requests.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    try {
      send(200, this.#route(req.method ?? 'GET', req.url ?? '/', body));
    } catch (err) {
      const code = err instanceof RuleError ? err.code : ((err as { code?: string }).code ?? 'RPC_INTERNAL');
      send(err instanceof RuleError ? err.status : 400, { error: { code, message: (err as Error).message } });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------

export interface FakeIo extends CliIo {
  out(): string;
  err(): string;
  reset(): void;
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** A CliIo whose output is collected; secrets come from the environment, standard input is `stdin`. */
export function fakeIo(env: NodeJS.ProcessEnv, stdin = ''): FakeIo {
  const stdout = new Collect();
  const stderr = new Collect();
  return {
    stdout,
    stderr,
    env,
    interactive: false,
    readSecret: () => Promise.resolve(null),
    readAll: () => Promise.resolve(stdin),
    out: () => stdout.text,
    err: () => stderr.text,
    reset: () => {
      stdout.text = '';
      stderr.text = '';
    },
  };
}
