import type { TxBody } from '@babychain/codec';
import { BabyError, decodeTx, encode, sha256, toHex, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed, sign } from '@babychain/crypto';
import type { MempoolOptions } from './options.ts';
import { Mempool } from './pool.ts';
import type { Account, AccountView } from './types.ts';

export const CHAIN = 'babychain-mempool-test';

export interface TestKey {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly address: Uint8Array;
}

/** A deterministic key per label. */
export function key(label: string): TestKey {
  const seed = sha256(new TextEncoder().encode(`mempool test key ${label}`));
  const publicKey = publicKeyFromSeed(seed);
  return { seed, publicKey, address: addressFromPublicKey(publicKey) };
}

const SINK = key('sink').address;

export interface TxSpec {
  readonly nonce?: bigint;
  readonly fee?: bigint;
  readonly amount?: bigint;
  readonly memo?: string;
  readonly to?: Uint8Array;
  readonly chainId?: string;
}

export function txBody(from: TestKey, spec: TxSpec = {}): TxBody {
  return {
    chainId: spec.chainId ?? CHAIN,
    signer: { key: { case: 'ed25519', value: from.publicKey } },
    nonce: spec.nonce ?? 0n,
    fee: spec.fee ?? 10n,
    memo: spec.memo ?? '',
    action: { case: 'transfer', value: { to: spec.to ?? SINK, amount: spec.amount ?? 100n } },
  };
}

/** A signed, encoded transfer. */
export function makeTx(from: TestKey, spec: TxSpec = {}): Uint8Array {
  const body = txBody(from, spec);
  return encode('babychain.v0.Tx', {
    body,
    signatures: [{ keyIndex: 0, signature: sign(from.seed, txSignBytes(body)) }],
  });
}

export function idOf(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

/** The committed state, in memory: what the node's state package would hand the mempool. */
export class MemoryView implements AccountView {
  readonly accounts = new Map<string, Account>();
  minFee: bigint;

  constructor(minFee = 1n) {
    this.minFee = minFee;
  }

  account(address: Uint8Array): Account {
    return this.accounts.get(toHex(address)) ?? { balance: 0n, nonce: 0n };
  }

  set(address: Uint8Array, account: Partial<Account>): this {
    this.accounts.set(toHex(address), { ...this.account(address), ...account });
    return this;
  }
}

/**
 * Executes a block on the view the way the state machine would (STATE-2 to STATE-6) and throws on the first
 * transaction a block may not contain. Returns what `Mempool.update` needs.
 */
export function applyBlock(view: MemoryView, txs: readonly Uint8Array[]): { ids: Uint8Array[]; touched: Uint8Array[] } {
  const ids: Uint8Array[] = [];
  const touched: Uint8Array[] = [];
  for (const [index, bytes] of txs.entries()) {
    const body = decodeTx(bytes).body;
    const signer = body?.signer?.key;
    const action = body?.action;
    if (body === undefined || signer?.case !== 'ed25519' || action?.case !== 'transfer') {
      throw new Error(`tx ${index}: not a single-key transfer`);
    }
    const sender = addressFromPublicKey(signer.value);
    const account = view.account(sender);
    if (body.nonce !== account.nonce) throw new Error(`tx ${index}: nonce ${body.nonce}, account at ${account.nonce}`);
    if (body.fee < view.minFee) throw new Error(`tx ${index}: fee ${body.fee} under ${view.minFee}`);
    const cost = action.value.amount + body.fee;
    if (account.balance < cost) throw new Error(`tx ${index}: balance ${account.balance} under ${cost}`);
    view.set(sender, { balance: account.balance - cost, nonce: account.nonce + 1n });
    const to = view.account(action.value.to);
    view.set(action.value.to, { balance: to.balance + action.value.amount });
    ids.push(sha256(bytes));
    touched.push(sender, action.value.to);
  }
  return { ids, touched };
}

/** the keys of the pool tests, funded by `setup` */
export const alice = key('alice');
export const bob = key('bob');
export const carol = key('carol');
export const dave = key('dave');

/** A pool on a view in which alice, bob, carol and dave hold 1_000_000 each. */
export function setup(options: Partial<Omit<MempoolOptions, 'view'>> = {}, minFee = 1n) {
  const view = new MemoryView(minFee);
  for (const k of [alice, bob, carol, dave]) view.set(k.address, { balance: 1_000_000n });
  const pool = new Mempool({ chainId: CHAIN, view, ...options });
  return { view, pool };
}

/** The BabyError `fn` throws. */
export function rejection(fn: () => unknown): BabyError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BabyError) return err;
    throw err;
  }
  throw new Error('expected a rejection, got success');
}

/** the ids (hex) of `txs`, in order */
export const ids = (txs: readonly Uint8Array[]) => txs.map(idOf);
