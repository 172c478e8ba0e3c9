// A toy Governance for the state package's tests and the crash child: the App must drive any implementation of
// the interface, so its tests use this one, not @babychain/upgrade (which sits above state). Its record is JSON.
//
// - submitProposal: deposit at least `minDeposit` (GOV_DEPOSIT_TOO_LOW), taken from the sender; the proposal ends
//   `votingPeriod` blocks later, when the deposit is refunded and a title `minFee=N` sets the min fee in force.
//   Title "explode" takes the deposit and then throws: an implementation breaking the all-or-nothing contract.
// - vote: the proposal exists (GOV_UNKNOWN_PROPOSAL); counts votes.
// - signalReady: plan name "toy" (UPG_NO_SUCH_PLAN); counts signals.
// - attestRelease is not one of its actions.
// - `upgradeAt`: the header version is 1 from that height; begin() there runs the migration, or throws
//   UPG_NEEDED when the toy "software" has no handler.
import type { Genesis, TxBody } from '@babychain/codec';
import { BabyError, encode, fromHex, sha256, toHex, txSignBytes } from '@babychain/codec';
import { sign } from '@babychain/crypto';
import type { TestKey } from './app.testutil.ts';
import { genesisParams, genesisValidators } from './genesis.ts';
import type {
  AccountAccess,
  ExecutingBlock,
  Governance,
  GovernanceBlock,
  GovernanceView,
  Offence,
} from './governance.ts';
import type { CheckedTx } from './stateless.ts';

const text = new TextEncoder();
const NO_BYTES = new Uint8Array(0);

/** GOV-3's record key. */
export const TOY_RECORD_KEY = sha256(text.encode('babychain/gov/v0'));

export interface ToyProposal {
  readonly id: number;
  /** hex address */
  readonly proposer: string;
  readonly deposit: string;
  readonly endHeight: string;
  readonly title: string;
}

export interface ToyRecord {
  nextId: number;
  proposals: ToyProposal[];
  votes: number;
  ready: number;
  minFee: string | null;
  appVersion: number;
}

export interface ToyOptions {
  readonly genesis: Genesis;
  /** default 100 */
  readonly minDeposit?: bigint;
  /** default 2 */
  readonly votingPeriod?: bigint;
  /** the height of the toy's one upgrade (app version 1) */
  readonly upgradeAt?: bigint;
  /** whether this software has the upgrade's handler (default true) */
  readonly handler?: boolean;
  /** leave the refunded proposers out of blockTouches (a broken implementation) */
  readonly forgetTouches?: boolean;
}

export function decodeToyRecord(record: Uint8Array): ToyRecord {
  if (record.length === 0) return { nextId: 1, proposals: [], votes: 0, ready: 0, minFee: null, appVersion: 0 };
  return JSON.parse(new TextDecoder().decode(record)) as ToyRecord;
}

function encodeRecord(r: ToyRecord): Uint8Array {
  const { nextId, proposals, votes, ready, minFee, appVersion } = r;
  return text.encode(JSON.stringify({ nextId, proposals, votes, ready, minFee, appVersion }));
}

const fail = (code: string, message: string): BabyError => new BabyError(code, message, { rule: 'toy' });

export class ToyGovernance implements Governance {
  readonly recordKey = TOY_RECORD_KEY;
  readonly actions: ReadonlySet<string> = new Set(['submitProposal', 'vote', 'signalReady']);
  readonly #o: ToyOptions;

  constructor(options: ToyOptions) {
    this.#o = options;
  }

  checkAction(body: TxBody): void {
    const action = body.action;
    if (action?.case === 'submitProposal') {
      const bytes = text.encode(action.value.title).length;
      if (bytes < 1 || bytes > 140) throw fail('GOV_BAD_PROPOSAL', `title of ${bytes} bytes`);
    }
    if (action?.case === 'vote' && (action.value.option < 1 || action.value.option > 4)) {
      throw fail('GOV_BAD_OPTION', `option ${action.value.option}`);
    }
  }

  view(record: Uint8Array): GovernanceView {
    const r = decodeToyRecord(record);
    const params = genesisParams(this.#o.genesis);
    const at = this.#o.upgradeAt;
    // The toy never changes the set: every height's is the genesis validators'.
    const set = genesisValidators(this.#o.genesis);
    return {
      params: r.minFee === null ? params : { ...params, minFee: BigInt(r.minFee) },
      validators: { last: set, current: set, next: set },
      appVersion: r.appVersion,
      scheduled: at !== undefined && r.appVersion < 1 ? { name: 'toy-v1', height: at, appVersion: 1 } : undefined,
    };
  }

  versionAt(record: Uint8Array, height: bigint): number {
    const at = this.#o.upgradeAt;
    return at !== undefined && height >= at ? 1 : decodeToyRecord(record).appVersion;
  }

  /** the toy executes no evidence: a block carrying some is refused by its begin() */
  admitOffences(_record: Uint8Array, _height: bigint, offences: readonly Offence[]): boolean[] {
    return offences.map(() => false);
  }

  blockTouches(record: Uint8Array, height: bigint): Uint8Array[] {
    if (this.#o.forgetTouches === true) return [];
    return decodeToyRecord(record)
      .proposals.filter((p) => BigInt(p.endHeight) === height)
      .map((p) => fromHex(p.proposer));
  }

  admit(record: Uint8Array, tx: CheckedTx, info: ExecutingBlock, accounts: AccountAccess): void {
    this.#block(record, info, accounts, false).deliver(tx, 0);
  }

  begin(record: Uint8Array, info: ExecutingBlock, accounts: AccountAccess): GovernanceBlock {
    if ((info.offences ?? []).length > 0) {
      throw new BabyError('VAL_NOT_IN_FORCE', 'the toy executes no evidence', {
        rule: 'VAL-9',
        appVersion: 0,
        from: 1,
      });
    }
    return this.#block(record, info, accounts, true);
  }

  #block(record: Uint8Array, info: ExecutingBlock, accounts: AccountAccess, migrate: boolean): GovernanceBlock {
    const state = decodeToyRecord(record);
    let dirty = false;
    if (migrate && this.#o.upgradeAt === info.height && state.appVersion < 1) {
      if (this.#o.handler === false) {
        throw new BabyError('UPG_NEEDED', `upgrade toy-v1 needed at height ${info.height}`, {
          rule: 'UPG-4',
          name: 'toy-v1',
          height: info.height,
        });
      }
      state.appVersion = 1;
      dirty = true;
    }
    const minDeposit = this.#o.minDeposit ?? 100n;
    const period = this.#o.votingPeriod ?? 2n;
    return {
      deliver: (tx: CheckedTx) => {
        const action = tx.tx.body?.action;
        if (action?.case === 'submitProposal') {
          const { deposit, title } = action.value;
          if (deposit < minDeposit) throw fail('GOV_DEPOSIT_TOO_LOW', `deposit ${deposit} < ${minDeposit}`);
          const sender = accounts.get(tx.sender);
          if (sender.balance < deposit) {
            throw new BabyError('TX_INSUFFICIENT_FUNDS', `balance ${sender.balance} < deposit ${deposit}`, {
              rule: 'GOV-4',
            });
          }
          accounts.set(tx.sender, { balance: sender.balance - deposit, nonce: sender.nonce });
          if (title === 'explode') throw fail('TOY_EXPLODED', 'the toy broke its all-or-nothing contract');
          state.proposals.push({
            id: state.nextId,
            proposer: toHex(tx.sender),
            deposit: String(deposit),
            endHeight: String(info.height + period),
            title,
          });
          state.nextId++;
        } else if (action?.case === 'vote') {
          const id = Number(action.value.proposalId);
          if (!state.proposals.some((p) => p.id === id)) throw fail('GOV_UNKNOWN_PROPOSAL', `no proposal ${id}`);
          state.votes++;
        } else if (action?.case === 'signalReady') {
          if (action.value.planName !== 'toy') throw fail('UPG_NO_SUCH_PLAN', `no plan ${action.value.planName}`);
          state.ready++;
        } else {
          throw new Error(`toy governance: no ${action?.case} action`);
        }
        dirty = true;
      },
      end: () => {
        const ending = state.proposals.filter((p) => BigInt(p.endHeight) === info.height);
        for (const p of ending) {
          const address = fromHex(p.proposer);
          const a = accounts.get(address);
          accounts.set(address, { balance: a.balance + BigInt(p.deposit), nonce: a.nonce });
          const minFee = /^minFee=(\d+)$/.exec(p.title)?.[1];
          if (minFee !== undefined) state.minFee = minFee;
          dirty = true;
        }
        state.proposals = state.proposals.filter((p) => !ending.includes(p));
        return dirty || record.length > 0 ? encodeRecord(state) : NO_BYTES;
      },
    };
  }
}

export interface GovTxSpec {
  readonly from: TestKey;
  readonly action: NonNullable<TxBody['action']>;
  readonly fee: bigint;
  readonly nonce: bigint;
  readonly chainId: string;
}

/** A signed single-key transaction with any action, canonically encoded. */
export function signedAction(t: GovTxSpec): Uint8Array {
  const body: TxBody = {
    chainId: t.chainId,
    signer: { key: { case: 'ed25519', value: t.from.publicKey } },
    nonce: t.nonce,
    fee: t.fee,
    memo: '',
    action: t.action,
  };
  return encode('babychain.v0.Tx', {
    body,
    signatures: [{ keyIndex: 0, signature: sign(t.from.seed, txSignBytes(body)) }],
  });
}

export const proposal = (deposit: bigint, title = 'a proposal'): NonNullable<TxBody['action']> => ({
  case: 'submitProposal',
  value: { deposit, title },
});
export const vote = (proposalId: bigint, option = 1): NonNullable<TxBody['action']> => ({
  case: 'vote',
  value: { proposalId, option },
});
export const ready = (planName = 'toy'): NonNullable<TxBody['action']> => ({
  case: 'signalReady',
  value: { planName },
});
