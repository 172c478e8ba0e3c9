/**
 * The governance state machine (specs/governance.md GOV-1..GOV-10, UPG-1..UPG-7) behind the App's `Governance`
 * interface: proposals, deposits, votes, the tally, plans, ready signals, attestations, and the migration at a
 * plan's height. Everything is a pure function of the record, the block and the transactions: no clock, no
 * randomness, and every list kept in the order the proto comments fix.
 */
import type {
  Attestation,
  AttestRelease,
  CastVote,
  Genesis,
  GovProposal,
  GovState,
  Params,
  Plan,
  SignalReady,
  SubmitProposal,
  Validator,
} from '@babychain/codec';
import { BabyError, bytesEqual, compareBytes, ruleError as fail, isBabyError } from '@babychain/codec';
import type {
  AccountAccess,
  CheckedTx,
  ExecutingBlock,
  Governance,
  GovernanceBlock,
  GovernanceView,
} from '@babychain/state';
import { fundsRefusal, Maturity } from '@babychain/state';
import { checkGovAction, GOVERNANCE_ACTIONS } from './actions.ts';
import { attestablePlans, attestationMatches, compareAttestations } from './attestations.ts';
import { GovErrorCode, UpgradeErrorCode } from './errors.ts';
import { admissibleOffences, checkOffences, jailOffenders } from './jailing.ts';
import { checkParamChange, checkPlan, checkPlanName, planDecision } from './plan.ts';
import {
  appVersionInForce,
  decodeGovRecord,
  encodeGovRecord,
  GOV_RECORD_KEY,
  govParamsInForce,
  isGrownUp,
  nextProposalId,
  paramsInForce,
  Voters,
  versionInForce,
} from './record.ts';
import { countVotes, ProposalStatus, proposalKind, tallyOutcome } from './tally.ts';
import {
  applyChange,
  isValidatorChange,
  type RecordSets,
  recordSets,
  requireChangesInForce,
  shiftSets,
} from './validators.ts';

/** GOV-4: the most proposals in voting at once. */
export const MAX_PROPOSALS_IN_VOTING = 16;
/** GOV-6: how many finished proposals the record keeps. */
export const MAX_RESULTS = 64;

/** What a migration works on (UPG-4). */
export interface MigrationContext {
  /** the plan's height: the first block the new software executes */
  readonly height: bigint;
  readonly accounts: AccountAccess;
  /** the governance record being built for this block; a migration may change it (params, for example) */
  readonly gov: GovState;
  /** the chain params in force before the migration (GOV-3); set `gov.params` to change them */
  readonly params: Params;
}

/** UPG-4: what this software implements for the plan `(name, appVersion)`. */
export interface UpgradeHandler {
  readonly name: string;
  readonly appVersion: number;
  migrate?(ctx: MigrationContext): void;
}

const _utf8 = new TextEncoder();

/** Node-local choices that change how this node executes (not the record's encoding, nor any other rule). */
export interface GovernanceOptions {
  /**
   * UPG-9: heights at which a scheduled plan is skipped instead of applied: no halt, no migration, the previous app
   * version in the header, and the plan removed as a cancel removes it. Only the plan at exactly such a height.
   */
  readonly skipHeights?: ReadonlySet<bigint>;
}

/** The `Governance` the App runs, for a chain with `genesis`, in software that installs `handlers`. */
export function createGovernance(
  genesis: Genesis,
  handlers: readonly UpgradeHandler[],
  options: GovernanceOptions = {},
): Governance {
  const rules = new Rules(genesis, handlers, options.skipHeights ?? new Set());
  const versionAt = (state: GovState, height: bigint) => versionAtHeight(genesis, state, height, rules.skipHeights);
  return {
    recordKey: GOV_RECORD_KEY,
    actions: GOVERNANCE_ACTIONS,
    checkAction: checkGovAction,
    view: (record) => rules.view(record),
    versionAt: (record, height) => versionAt(rules.read(record), height),
    admitOffences: (record, height, offences) => {
      const state = rules.read(record);
      return admissibleOffences(state, versionAt(state, height), offences);
    },
    blockTouches: (record, height) => rules.blockTouches(record, height),
    begin: (record, info, accounts) => rules.begin(record, info, accounts),
    // Execution's own rules on a private copy of the record: one place for each rule (APP-1, STATE-12).
    admit: (record, tx, info, accounts) => new Block(rules, decodeGovRecord(record), info, accounts).apply(tx),
  };
}

/**
 * UPG-3: the app version of the block at `height`. A plan skipped at its height (UPG-9) never comes into force: its
 * block keeps the previous version, and executing it removes the plan.
 */
function versionAtHeight(genesis: Genesis, state: GovState, height: bigint, skip: ReadonlySet<bigint>): number {
  const plan = state.plan;
  return plan !== undefined && height >= plan.height && !skip.has(plan.height)
    ? plan.appVersion
    : appVersionInForce(genesis, state);
}

/** After the plan's block has begun the plan is gone (applied or skipped), so skip heights no longer matter. */
function versionAt(genesis: Genesis, state: GovState, height: bigint): number {
  return versionAtHeight(genesis, state, height, NO_SKIPS);
}

const NO_SKIPS: ReadonlySet<bigint> = new Set();

/** The handler key of `(name, appVersion)`. */
function handlerKey(name: string, appVersion: number): string {
  return `${appVersion}/${name}`;
}

/** UPG-4: the handlers by plan, refusing two for one plan (which one ran would be an accident). */
export function handlerIndex(handlers: readonly UpgradeHandler[]): ReadonlyMap<string, UpgradeHandler> {
  const index = new Map<string, UpgradeHandler>();
  for (const h of handlers) {
    const key = handlerKey(h.name, h.appVersion);
    if (index.has(key)) throw new Error(`two upgrade handlers for "${h.name}" (app version ${h.appVersion})`);
    index.set(key, h);
  }
  return index;
}

/** The handler this software has for `plan`, if any. */
export function handlerFor(
  index: ReadonlyMap<string, UpgradeHandler>,
  plan: { readonly name: string; readonly appVersion: number },
): UpgradeHandler | undefined {
  return index.get(handlerKey(plan.name, plan.appVersion));
}

// ---------------------------------------------------------------------------------------------------------------
// Reading records
// ---------------------------------------------------------------------------------------------------------------

class Rules {
  readonly genesis: Genesis;
  readonly handlers: ReadonlyMap<string, UpgradeHandler>;
  readonly skipHeights: ReadonlySet<bigint>;
  // The App asks about the same record many times per block; decoding it once is enough. Read-only use only.
  #lastBytes: Uint8Array | undefined;
  #lastState: GovState | undefined;

  constructor(genesis: Genesis, handlers: readonly UpgradeHandler[], skipHeights: ReadonlySet<bigint>) {
    this.genesis = genesis;
    this.handlers = handlerIndex(handlers);
    this.skipHeights = skipHeights;
  }

  /** the decoded record, shared: callers must not change it */
  read(record: Uint8Array): GovState {
    if (this.#lastBytes !== undefined && this.#lastState !== undefined && bytesEqual(this.#lastBytes, record)) {
      return this.#lastState;
    }
    const state = decodeGovRecord(record);
    this.#lastBytes = record.slice();
    this.#lastState = state;
    return state;
  }

  view(record: Uint8Array): GovernanceView {
    const state = this.read(record);
    const plan = state.plan;
    return {
      params: paramsInForce(this.genesis, state),
      validators: recordSets(this.genesis, state),
      appVersion: appVersionInForce(this.genesis, state),
      scheduled: plan === undefined ? undefined : { name: plan.name, height: plan.height, appVersion: plan.appVersion },
    };
  }

  /** GOV-6: the proposers whose deposits come back at the end of the block at `height`, ascending proposal id. */
  blockTouches(record: Uint8Array, height: bigint): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const p of this.read(record).proposals) {
      if (p.votingEndHeight === height && !out.some((a) => bytesEqual(a, p.proposer))) out.push(p.proposer);
    }
    return out;
  }

  begin(record: Uint8Array, info: ExecutingBlock, accounts: AccountAccess): GovernanceBlock {
    const state = decodeGovRecord(record); // a private copy: the block mutates it
    const plan = state.plan;
    if (plan !== undefined && plan.height === info.height && this.skipHeights.has(plan.height)) {
      // UPG-9: the operator chose to skip; a function of the record and the block alone, so every skipping node
      // computes the same state whatever handlers its software has. Exactly what a passed cancel removes (GOV-10).
      state.plan = undefined;
      state.planDecision = undefined;
      state.ready = [];
      state.attestations = state.attestations.filter((a) => a.planName !== plan.name);
    } else if (plan !== undefined && plan.height === info.height) {
      const handler = handlerFor(this.handlers, plan);
      const version = plan.release?.manifest?.version ?? '';
      if (handler === undefined) {
        throw new BabyError(
          UpgradeErrorCode.NEEDED,
          `upgrade "${plan.name}" (app version ${plan.appVersion}, release ${version}) is due at height ${plan.height} and this software does not implement it`,
          { rule: 'UPG-4', name: plan.name, height: plan.height, appVersion: plan.appVersion, version },
        );
      }
      handler.migrate?.({ height: info.height, accounts, gov: state, params: paramsInForce(this.genesis, state) });
      state.appVersion = plan.appVersion;
      state.version = version;
      state.applied.push({ name: plan.name, height: plan.height, appVersion: plan.appVersion, version });
      state.plan = undefined;
      state.planDecision = undefined;
      state.ready = [];
      state.attestations = [];
    }
    checkOffences(state, versionAt(this.genesis, state, info.height), info.offences ?? []);
    return new Block(this, state, info, accounts);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One block
// ---------------------------------------------------------------------------------------------------------------

class Block implements GovernanceBlock {
  readonly #rules: Rules;
  readonly #state: GovState;
  readonly #info: ExecutingBlock;
  readonly #accounts: AccountAccess;
  /** VAL-3: the sets as the block starts; the voters are the operators of the block's own set (GOV-1, VAL-8) */
  readonly #sets: RecordSets;
  readonly #voters: Voters;
  /** VAL-7: the next set with the changes passed in this block, once one has */
  #candidate: Validator[] | undefined;
  #ended = false;

  constructor(rules: Rules, state: GovState, info: ExecutingBlock, accounts: AccountAccess) {
    this.#rules = rules;
    this.#state = state;
    this.#info = info;
    this.#accounts = accounts;
    this.#sets = recordSets(rules.genesis, state);
    this.#voters = new Voters(this.#sets.current);
  }

  deliver(tx: CheckedTx, txIndex: number): void {
    try {
      this.apply(tx);
    } catch (err) {
      if (!isBabyError(err)) throw err;
      throw new BabyError(err.code, err.message, { ...err.meta, txIndex }, { cause: err });
    }
  }

  /** One action's rules and effect; throws the rule's BabyError before changing anything (admission's entry). */
  apply(tx: CheckedTx): void {
    if (this.#ended) throw new Error('governance: deliver after end');
    const body = tx.tx.body;
    if (body === undefined) throw new Error('governance: transaction was not statelessly checked (no body)');
    checkGovAction(body);
    const action = body.action;
    switch (action?.case) {
      case 'submitProposal':
        this.#submit(tx.sender, action.value);
        return;
      case 'vote':
        this.#vote(tx.sender, action.value);
        return;
      case 'attestRelease':
        this.#attest(tx.sender, action.value);
        return;
      case 'signalReady':
        this.#ready(tx.sender, action.value);
        return;
      default:
        throw new Error(`governance does not execute the action "${action?.case ?? 'none'}"`);
    }
  }

  end(): Uint8Array {
    if (this.#ended) throw new Error('governance: end called twice');
    this.#ended = true;
    const state = this.#state;
    const height = this.#info.height;
    const due = state.proposals.filter((p) => p.votingEndHeight === height);
    state.proposals = state.proposals.filter((p) => p.votingEndHeight !== height);
    for (const p of due) this.#finish(p);
    if (state.results.length > MAX_RESULTS) state.results = state.results.slice(-MAX_RESULTS);
    this.#dropOrphanAttestations();
    shiftSets(state, this.#sets, this.#candidate);
    jailOffenders(state, this.#sets, height, this.#info.offences ?? []);
    return encodeGovRecord(state);
  }

  // --- GOV-4 ----------------------------------------------------------------------------------------------------

  #submit(sender: Uint8Array, submit: SubmitProposal): void {
    const { genesis } = this.#rules;
    const state = this.#state;
    const gp = govParamsInForce(genesis, state);
    if (submit.deposit < gp.minDeposit) {
      throw fail(GovErrorCode.DEPOSIT_TOO_LOW, `deposit ${submit.deposit} is below ${gp.minDeposit}`, 'GOV-4', {
        deposit: submit.deposit,
        minDeposit: gp.minDeposit,
      });
    }
    const account = this.#accounts.get(sender);
    if (account.balance < submit.deposit) {
      // STATE-5 for the deposit, after the fee was taken (GOV-4)
      throw fundsRefusal(account.balance, submit.deposit, undefined, 'the deposit, after the fee');
    }
    if (state.proposals.length >= MAX_PROPOSALS_IN_VOTING) {
      throw fail(
        GovErrorCode.TOO_MANY_PROPOSALS,
        `${state.proposals.length} proposals are in voting, at most ${MAX_PROPOSALS_IN_VOTING}`,
        'GOV-4',
      );
    }
    const grownUp = isGrownUp(genesis, state);
    const votingEndHeight = this.#info.height + (grownUp ? gp.grownUpVotingPeriod : gp.babyVotingPeriod);
    const content = submit.content;
    if (content === undefined) throw new Error('unreachable: checked by checkGovAction');
    let stored: GovProposal['content'] = content;
    if (content.case === 'softwareUpgrade') {
      checkPlan(content.value.plan as Plan, {
        genesis,
        state,
        govParams: gp,
        nowMs: this.#info.timeMs,
        minHeightExclusive: votingEndHeight + (grownUp ? gp.grownUpUpgradeDelay : gp.babyUpgradeDelay),
        when: 'submission',
      });
    } else if (content.case === 'cancelUpgrade') {
      checkPlanName(content.value.name, state);
    } else if (isValidatorChange(content)) {
      requireChangesInForce(versionAt(genesis, state, this.#info.height));
      applyChange(this.#sets.next, this.#sets.next, content, state.jailed);
    } else if (content.case === 'paramChange') {
      stored = { case: 'paramChange', value: checkParamChange(content.value, versionInForce(genesis, state)) };
    }

    this.#accounts.set(sender, { balance: account.balance - submit.deposit, nonce: account.nonce });
    const id = nextProposalId(state);
    state.proposals.push({
      id,
      proposer: sender,
      deposit: submit.deposit,
      title: submit.title,
      submitHeight: this.#info.height,
      votingEndHeight,
      votes: [],
      content: stored,
    });
    state.nextProposalId = id + 1n;
  }

  // --- GOV-5 ----------------------------------------------------------------------------------------------------

  #vote(sender: Uint8Array, vote: CastVote): void {
    this.#requireVoter(sender, 'GOV-5');
    const proposal = this.#state.proposals.find((p) => p.id === vote.proposalId);
    if (proposal === undefined) {
      throw fail(GovErrorCode.UNKNOWN_PROPOSAL, `proposal ${vote.proposalId} is not in voting`, 'GOV-5', {
        proposalId: vote.proposalId,
      });
    }
    const votes = proposal.votes.filter((v) => !bytesEqual(v.voter, sender));
    votes.push({ voter: sender, option: vote.option });
    proposal.votes = votes.sort((a, b) => compareBytes(a.voter, b.voter));
  }

  // --- UPG-6 ----------------------------------------------------------------------------------------------------

  #ready(sender: Uint8Array, signal: SignalReady): void {
    this.#requireVoter(sender, 'UPG-6');
    const state = this.#state;
    if (state.plan === undefined || state.plan.name !== signal.planName) {
      throw fail(UpgradeErrorCode.NO_SUCH_PLAN, `no plan "${signal.planName}" is scheduled`, 'UPG-6', {
        planName: signal.planName,
      });
    }
    if (state.ready.some((r) => bytesEqual(r, sender))) {
      throw fail(UpgradeErrorCode.ALREADY_READY, `this validator is ready for "${signal.planName}" already`, 'UPG-6');
    }
    state.ready = [...state.ready, sender].sort(compareBytes);
  }

  // --- UPG-7 ----------------------------------------------------------------------------------------------------

  #attest(sender: Uint8Array, attest: AttestRelease): void {
    this.#requireVoter(sender, 'UPG-7');
    const state = this.#state;
    const plans = attestablePlans(state, attest.planName);
    if (plans.length === 0) {
      throw fail(
        UpgradeErrorCode.NO_SUCH_PLAN,
        `no software upgrade "${attest.planName}" is in voting or scheduled`,
        'UPG-7',
        { planName: attest.planName },
      );
    }
    const attestation: Attestation = {
      validator: sender,
      platform: attest.platform,
      sha256: attest.sha256,
      planName: attest.planName,
    };
    if (!plans.some((plan) => attestationMatches(plan, attestation))) {
      throw fail(
        UpgradeErrorCode.DIGEST_MISMATCH,
        `no artifact of "${attest.planName}" is (${attest.platform}, the given digest)`,
        'UPG-7',
        { planName: attest.planName, platform: attest.platform },
      );
    }
    if (state.attestations.some((a) => compareAttestations(a, attestation) === 0)) {
      throw fail(
        UpgradeErrorCode.ALREADY_ATTESTED,
        `this validator attested ${attest.platform} of "${attest.planName}" already`,
        'UPG-7',
      );
    }
    state.attestations = [...state.attestations, attestation].sort(compareAttestations);
  }

  #requireVoter(sender: Uint8Array, rule: string): void {
    if (!this.#voters.isVoter(sender)) {
      throw fail(GovErrorCode.NOT_VALIDATOR, "the sender is not the operator of a validator of this block's set", rule);
    }
  }

  // --- GOV-6 ----------------------------------------------------------------------------------------------------

  #finish(p: GovProposal): void {
    const { genesis } = this.#rules;
    const voters = this.#voters;
    const state = this.#state;
    const tally = countVotes(p.votes, (v) => voters.powerOf(v), voters.total);
    const kind = proposalKind(p);
    const plan = p.content?.case === 'softwareUpgrade' ? p.content.value.plan : undefined;
    const attestedPower =
      plan === undefined
        ? 0n
        : voters.powerOfAll(state.attestations.filter((a) => attestationMatches(plan, a)).map((a) => a.validator));
    let status = tallyOutcome(kind, tally, { grownUp: isGrownUp(genesis, state), attestedPower });
    let reason = '';
    if (status === ProposalStatus.PASSED) {
      try {
        this.#takeEffect(p);
      } catch (err) {
        if (!isBabyError(err)) throw err;
        status = ProposalStatus.FAILED;
        reason = err.code;
      }
    }
    // Burnt deposits simply are not returned: they left the proposer's balance at submission.
    if (status !== ProposalStatus.VETOED && status !== ProposalStatus.NO_QUORUM) {
      const account = this.#accounts.get(p.proposer);
      this.#accounts.set(p.proposer, { balance: account.balance + p.deposit, nonce: account.nonce });
    }
    state.results.push({ id: p.id, title: p.title, status, tally, endHeight: this.#info.height, reason });
  }

  /** GOV-8..GOV-10; throws the reason a passed proposal FAILS before changing anything. */
  #takeEffect(p: GovProposal): void {
    const { genesis } = this.#rules;
    const state = this.#state;
    const content = p.content;
    if (content === undefined) throw new Error('unreachable: a stored proposal has content');
    switch (content.case) {
      case 'softwareUpgrade': {
        const plan = content.value.plan as Plan;
        const govParams = govParamsInForce(genesis, state);
        checkPlan(plan, {
          genesis,
          state,
          govParams,
          nowMs: this.#info.timeMs,
          minHeightExclusive: this.#info.height,
          when: 'passing',
        });
        const scheduled = state.plan;
        if (scheduled !== undefined && scheduled.name !== plan.name) {
          throw fail(
            UpgradeErrorCode.PLAN_CONFLICT,
            `plan "${scheduled.name}" is scheduled; cancel it before scheduling "${plan.name}"`,
            'GOV-8',
            { scheduled: scheduled.name },
          );
        }
        state.plan = plan;
        state.planDecision = planDecision(genesis, state, govParams, this.#info.height, this.#info.timeMs);
        state.ready = [];
        // A reschedule may name new builds: attestations of the old ones no longer vouch for anything and would
        // block attesting the new digest for the same platform (UPG_ALREADY_ATTESTED).
        state.attestations = state.attestations.filter((a) => a.planName !== plan.name || attestationMatches(plan, a));
        return;
      }
      case 'cancelUpgrade': {
        const name = content.value.name;
        if (state.plan === undefined || state.plan.name !== name) {
          throw fail(UpgradeErrorCode.NO_SUCH_PLAN, `no plan "${name}" is scheduled`, 'GOV-10', { name });
        }
        state.plan = undefined;
        state.planDecision = undefined;
        state.ready = [];
        state.attestations = state.attestations.filter((a) => a.planName !== name);
        return;
      }
      case 'paramChange': {
        const change = checkParamChange(content.value, versionInForce(genesis, state));
        if (change.params !== undefined) state.params = change.params;
        if (change.govParams !== undefined) state.govParams = change.govParams;
        if (change.maturity === Maturity.GROWN_UP) state.maturity = Maturity.GROWN_UP;
        return;
      }
      case 'addValidator':
      case 'removeValidator':
      case 'setValidatorPower':
      case 'unjailValidator':
        this.#candidate = applyChange(this.#sets.next, this.#candidate ?? this.#sets.next, content, state.jailed);
        if (content.case === 'unjailValidator') {
          const key = content.value.publicKey;
          state.jailed = state.jailed.filter((j) => !bytesEqual(j.publicKey, key));
        }
        return;
    }
  }

  /**
   * Attestations only ever name a plan in voting or scheduled (UPG-7); once neither is left under that name they
   * can never count again, so the record does not keep them.
   */
  #dropOrphanAttestations(): void {
    const state = this.#state;
    const live = new Set<string>();
    if (state.plan !== undefined) live.add(state.plan.name);
    for (const p of state.proposals) {
      if (p.content?.case === 'softwareUpgrade' && p.content.value.plan !== undefined)
        live.add(p.content.value.plan.name);
    }
    state.attestations = state.attestations.filter((a) => live.has(a.planName));
  }
}
