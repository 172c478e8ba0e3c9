/**
 * The RPC's answers that read history rather than the head: an account's transactions (RPC-16) and who signed the
 * last blocks (RPC-17). Both read only what is committed: the address index written with each block, the commits and
 * the validator sets the chain store keeps.
 */
import type { AccountTxsResult, Json, TxResult, ValidatorSigningResult } from '@babychain/api';
import type { Tx } from '@babychain/codec';
import { bytesEqual, toHex, toJson } from '@babychain/codec';
import { ValidatorSet } from '@babychain/consensus';
import { addressFromPublicKey, decodeAddress, encodeAddress, multisigAddress } from '@babychain/crypto';
import type { App } from '@babychain/state';
import type { ChainStore } from './chain-store.ts';

type HistoryApp = Pick<App, 'info' | 'accountHistory' | 'tx' | 'blockByHeight' | 'validatorSets'>;

/** The sender of a committed transaction: the address of its signer key (ADDR-1, ADDR-3). */
export function senderOf(tx: Tx): Uint8Array {
  const key = tx.body?.signer?.key;
  if (key === undefined) return new Uint8Array(20);
  return key.case === 'ed25519'
    ? addressFromPublicKey(key.value)
    : multisigAddress(key.value.threshold, key.value.publicKeys);
}

/** RPC-5's answer for a committed transaction. */
export function committedTx(
  found: { readonly height: bigint; readonly index: number; readonly tx: Tx; readonly bytes: Uint8Array },
  id: string,
  prefix: string,
): Json<typeof TxResult> {
  return {
    id,
    height: String(found.height),
    index: found.index,
    sender: encodeAddress(senderOf(found.tx), prefix),
    tx: toJson('babychain.v0.Tx', found.tx) as unknown as Json<typeof TxResult>['tx'],
    bytes: toHex(found.bytes),
  };
}

/** RPC-16: up to `limit` entries below `before`, newest first, each as RPC-5 answers it plus its direction. */
export async function accountTxs(
  app: HistoryApp,
  prefix: string,
  text: string,
  limit: number,
  before: { readonly height: bigint; readonly index: number } | undefined,
): Promise<Omit<Json<typeof AccountTxsResult>, 'next'>> {
  const address = decodeAddress(text, prefix);
  const entries = await app.accountHistory(address, { limit, ...(before === undefined ? {} : { before }) });
  const txs: Json<typeof AccountTxsResult>['txs'][number][] = [];
  for (const entry of entries) {
    const found = await app.tx(entry.id);
    // the index and the transactions are written in one batch (APP-5): an entry always has its transaction
    if (found === undefined) throw new Error(`the history of ${text} names an unknown transaction`);
    txs.push({ ...committedTx(found, toHex(entry.id), prefix), direction: entry.direction });
  }
  return { address: text, txs };
}

interface Tally {
  publicKey: Uint8Array;
  address: Uint8Array;
  name: string;
  signed: number;
  missed: number;
  proposed: number;
}

/** RPC-17: for the last `blocks` committed heights, who signed each height's commit, who missed it, who proposed. */
export async function validatorSigning(
  app: HistoryApp,
  chain: Pick<ChainStore, 'commit' | 'validatorSet'>,
  prefix: string,
  blocks: number,
): Promise<Json<typeof ValidatorSigningResult>> {
  const to = app.info().height;
  const from = to - BigInt(blocks) + 1n > 1n ? to - BigInt(blocks) + 1n : 1n;
  const tallies = new Map<string, Tally>();
  const tallyOf = (v: { publicKey: Uint8Array; address: Uint8Array; name: string }) => {
    const hex = toHex(v.publicKey);
    let t = tallies.get(hex);
    if (t === undefined) {
      t = { publicKey: v.publicKey, address: v.address, name: v.name, signed: 0, missed: 0, proposed: 0 };
      tallies.set(hex, t);
    }
    return t;
  };
  const sets = new Map<string, ValidatorSet>();
  for (let height = from; height <= to; height++) {
    const header = (await app.blockByHeight(height))?.header;
    const commit = await chain.commit(height);
    if (header === undefined || commit === undefined) continue;
    const hashHex = toHex(header.validatorsHash);
    let set = sets.get(hashHex);
    if (set === undefined) {
      const list = await chain.validatorSet(header.validatorsHash);
      if (list === undefined) continue; // a set this node never recorded: the height is not counted
      set = ValidatorSet.fromGenesis(list);
      sets.set(hashHex, set);
    }
    const signers = new Set(commit.signatures.map((s) => s.validatorIndex));
    for (const v of set.validators) {
      const t = tallyOf(v);
      if (signers.has(v.index)) t.signed++;
      else t.missed++;
      if (bytesEqual(v.address, header.proposerAddress)) t.proposed++;
    }
  }
  const next = ValidatorSet.fromGenesis(app.validatorSets().current);
  const inNext = next.validators.map((v) => tallyOf(v));
  const others = [...tallies.values()]
    .filter((t) => next.indexOfPublicKey(t.publicKey) < 0)
    .sort((a, b) => (toHex(a.address) < toHex(b.address) ? -1 : 1));
  const row = (t: Tally, inSet: boolean) => ({
    publicKey: toHex(t.publicKey),
    address: encodeAddress(t.address, prefix),
    name: t.name,
    inSet,
    signed: t.signed,
    missed: t.missed,
    proposed: t.proposed,
  });
  return {
    from: String(from),
    to: String(to),
    validators: [...inNext.map((t) => row(t, true)), ...others.map((t) => row(t, false))],
  };
}
