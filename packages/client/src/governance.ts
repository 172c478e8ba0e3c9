/**
 * Governance transactions (specs/governance.md GOV-4, GOV-5, UPG-6, UPG-7): the bodies of a proposal, a vote, a
 * release attestation and a ready signal, and submitting one signed by a single key. Nothing is validated here: the
 * node does that and answers with the spec's codes (`GOV_…`, `UPG_…`, `REL_…`, `TX_…`).
 */
import type { GovParams, Params, Plan, TxBody } from '@babychain/codec';
import type { BabyClient } from './client.ts';
import { type SubmitOptions, type Submitted, submitAndWait } from './send.ts';
import { assembleTx, signBody } from './transfer.ts';

/** What every governance body carries besides its action. */
export interface GovTxFields {
  readonly chainId: string;
  /** the sender's ed25519 key; for votes, attestations and ready signals a validator's operator (GOV-1, VAL-1) */
  readonly signerPublicKey: Uint8Array;
  readonly nonce: bigint;
  readonly fee: bigint;
  readonly memo?: string;
}

export type ProposalContent =
  | { readonly kind: 'software-upgrade'; readonly plan: Plan }
  | { readonly kind: 'cancel-upgrade'; readonly name: string }
  | {
      readonly kind: 'param-change';
      /** replaces the chain params in force as a whole (GOV-9) */
      readonly params?: Params;
      /** replaces the governance params in force as a whole, release signers included */
      readonly govParams?: GovParams;
      /** declares the chain grown up for good (GOV-7) */
      readonly grownUp?: boolean;
    }
  | {
      /** VAL-4: from app version 1 */
      readonly kind: 'add-validator';
      readonly publicKey: Uint8Array;
      readonly power: bigint;
      readonly name: string;
      /** the 20-byte account that acts for it in governance (VAL-1) */
      readonly operator: Uint8Array;
      /** VAL-5: the consensus key's signature over this entry (`signPossession` of @babychain/upgrade) */
      readonly possession: Uint8Array;
    }
  | { readonly kind: 'remove-validator'; readonly publicKey: Uint8Array }
  | { readonly kind: 'set-validator-power'; readonly publicKey: Uint8Array; readonly power: bigint }
  /** VAL-11: lets a jailed validator back, with the power it had or `power` */
  | { readonly kind: 'unjail-validator'; readonly publicKey: Uint8Array; readonly power?: bigint };

export interface ProposalRequest extends GovTxFields {
  /** locked while voting; refunded unless the proposal is vetoed or misses the quorum (GOV-6) */
  readonly deposit: bigint;
  /** 1 to 140 bytes of UTF-8 */
  readonly title: string;
  readonly content: ProposalContent;
}

export const VOTE_CHOICES = ['yes', 'no', 'abstain', 'veto'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

export interface VoteRequest extends GovTxFields {
  readonly proposalId: bigint;
  readonly option: VoteChoice;
}

export interface AttestRequest extends GovTxFields {
  readonly planName: string;
  /** `<os>-<arch>` as Node reports them, e.g. `linux-x64` (REL-1) */
  readonly platform: string;
  /** the SHA-256 of the artifact the validator rebuilt (REL-6) */
  readonly sha256: Uint8Array;
}

export interface ReadyRequest extends GovTxFields {
  readonly planName: string;
}

/** babychain.v0.VoteOption numbers; an unknown word becomes UNSPECIFIED, which the node refuses (GOV_BAD_OPTION). */
const VOTE_OPTION: Readonly<Record<string, number>> = { yes: 1, no: 2, abstain: 3, veto: 4 };
/** babychain.v0.Maturity */
const MATURITY_BABY = 0;
const MATURITY_GROWN_UP = 1;

function envelope(req: GovTxFields, action: NonNullable<TxBody['action']>): TxBody {
  return {
    chainId: req.chainId,
    signer: { key: { case: 'ed25519', value: req.signerPublicKey } },
    nonce: req.nonce,
    fee: req.fee,
    memo: req.memo ?? '',
    action,
  };
}

type WireContent = NonNullable<Extract<TxBody['action'], { case: 'submitProposal' }>['value']['content']>;

function wireContent(c: ProposalContent): WireContent {
  switch (c.kind) {
    case 'software-upgrade':
      return { case: 'softwareUpgrade', value: { plan: c.plan } };
    case 'cancel-upgrade':
      return { case: 'cancelUpgrade', value: { name: c.name } };
    case 'param-change':
      return {
        case: 'paramChange',
        value: {
          params: c.params,
          govParams: c.govParams,
          maturity: c.grownUp === true ? MATURITY_GROWN_UP : MATURITY_BABY,
        },
      };
    case 'add-validator': {
      const { publicKey, power, name, operator, possession } = c;
      return { case: 'addValidator', value: { publicKey, power, name, operator, possession } };
    }
    case 'remove-validator':
      return { case: 'removeValidator', value: { publicKey: c.publicKey } };
    case 'set-validator-power':
      return { case: 'setValidatorPower', value: { publicKey: c.publicKey, power: c.power } };
    case 'unjail-validator':
      return { case: 'unjailValidator', value: { publicKey: c.publicKey, power: c.power ?? 0n } };
  }
}

/** GOV-4: a proposal with its deposit. */
export function proposalBody(req: ProposalRequest): TxBody {
  const content = wireContent(req.content);
  return envelope(req, { case: 'submitProposal', value: { deposit: req.deposit, title: req.title, content } });
}

/** GOV-5: a validator's vote; a later vote on the same proposal replaces it. */
export function voteBody(req: VoteRequest): TxBody {
  return envelope(req, { case: 'vote', value: { proposalId: req.proposalId, option: VOTE_OPTION[req.option] ?? 0 } });
}

/** UPG-7: a validator rebuilt the plan's release for `platform` and got `sha256`. */
export function attestBody(req: AttestRequest): TxBody {
  return envelope(req, {
    case: 'attestRelease',
    value: { planName: req.planName, platform: req.platform, sha256: req.sha256 },
  });
}

/** UPG-6: a validator's launcher holds the scheduled plan's release, verified. */
export function readyBody(req: ReadyRequest): TxBody {
  return envelope(req, { case: 'signalReady', value: { planName: req.planName } });
}

/**
 * Signs the body with the seed of its single signer key, submits it and by default waits until it is committed.
 * The node's refusals keep their codes (`GOV_NOT_VALIDATOR`, `UPG_NO_SUCH_PLAN`, `TX_BAD_NONCE`, ...).
 */
export function sendGovernanceTx(
  client: BabyClient,
  body: TxBody,
  seed: Uint8Array,
  options: SubmitOptions = {},
): Promise<Submitted> {
  return submitAndWait(client, assembleTx(body, [signBody(body, seed)]), options);
}
