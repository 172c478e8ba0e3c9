/**
 * The governance summary that RPC (`GET /upgrade`), node status and the launcher read (GOV-7: status shows the
 * stage; UPG-6: the share of power that is ready). Plain JSON: uint64 as decimal strings, bytes as lowercase hex.
 */
import type { Json, UpgradeResult } from '@babychain/api';
import type { Genesis, GovProposal, PlanDecision, Tally } from '@babychain/codec';
import { create, encode, toHex, toJson } from '@babychain/codec';
import {
  appVersionInForce,
  decodeGovRecord,
  govParamsInForce,
  isGrownUp,
  paramsInForce,
  Voters,
  versionInForce,
} from './record.ts';
import { countVotes, GOV_RULES, proposalKind, statusName } from './tally.ts';
import { recordSets } from './validators.ts';

/** The `governance` of `GET /upgrade`: its shape is api's UpgradeResult, which the RPC serves and documents. */
export type GovernanceStatusJson = Json<typeof UpgradeResult>['governance'];
type PlanDecisionJson = NonNullable<GovernanceStatusJson['plan']>['decision'];
type TallyJson = GovernanceStatusJson['proposals'][number]['tally'];

/** What `record` (empty bytes at genesis) says, for people and launchers. */
export function governanceStatus(genesis: Genesis, record: Uint8Array): GovernanceStatusJson {
  const state = decodeGovRecord(record);
  const voters = new Voters(recordSets(genesis, state).current);
  const gp = govParamsInForce(genesis, state);
  const params = paramsInForce(genesis, state);
  const plan = state.plan;
  const release = plan?.release;
  return {
    maturity: isGrownUp(genesis, state) ? 'grown-up' : 'baby',
    appVersion: appVersionInForce(genesis, state),
    version: state.version,
    versionInForce: versionInForce(genesis, state),
    releaseSigners: gp.releaseSigners.map((k) => toHex(k)),
    releaseThreshold: gp.releaseThreshold,
    plan:
      plan === undefined
        ? null
        : {
            name: plan.name,
            height: plan.height.toString(),
            appVersion: plan.appVersion,
            version: release?.manifest?.version ?? '',
            manifest: release === undefined ? '' : toHex(encode('babychain.v0.SignedManifest', release)),
            urls: [...plan.urls],
            artifacts: (release?.manifest?.artifacts ?? []).map((a) => ({
              platform: a.platform,
              sha256: toHex(a.sha256),
              size: a.size.toString(),
            })),
            decision: decisionJson(state.planDecision),
          },
    ready: {
      validators: state.ready.map((r) => toHex(r)),
      power: voters.powerOfAll(state.ready).toString(),
      totalPower: voters.total.toString(),
    },
    attestations: state.attestations.map((a) => ({
      planName: a.planName,
      validator: toHex(a.validator),
      platform: a.platform,
      sha256: toHex(a.sha256),
    })),
    proposals: state.proposals.map((p) => {
      const content = p.content;
      const planName =
        content?.case === 'softwareUpgrade'
          ? content.value.plan?.name
          : content?.case === 'cancelUpgrade'
            ? content.value.name
            : undefined;
      return {
        id: p.id.toString(),
        title: p.title,
        kind: proposalKind(p),
        proposer: toHex(p.proposer),
        deposit: p.deposit.toString(),
        submitHeight: p.submitHeight.toString(),
        votingEndHeight: p.votingEndHeight.toString(),
        ...(planName === undefined ? {} : { planName }),
        ...(content === undefined || planName !== undefined ? {} : { content: contentJson(p) }),
        tally: tallyJson(countVotes(p.votes, (v) => voters.powerOf(v), voters.total)),
      };
    }),
    results: state.results.map((r) => ({
      id: r.id.toString(),
      title: r.title,
      status: statusName(r.status),
      tally: tallyJson(r.tally ?? { yes: 0n, no: 0n, abstain: 0n, veto: 0n, totalPower: 0n }),
      endHeight: r.endHeight.toString(),
      reason: r.reason,
    })),
    applied: state.applied.map((a) => ({
      name: a.name,
      height: a.height.toString(),
      appVersion: a.appVersion,
      version: a.version,
    })),
    params: {
      minFee: params.minFee.toString(),
      maxBlockBytes: params.maxBlockBytes.toString(),
      maxBlockTxs: params.maxBlockTxs,
    },
    govParams: {
      minDeposit: gp.minDeposit.toString(),
      babyVotingPeriod: gp.babyVotingPeriod.toString(),
      grownUpVotingPeriod: gp.grownUpVotingPeriod.toString(),
      babyUpgradeDelay: gp.babyUpgradeDelay.toString(),
      grownUpUpgradeDelay: gp.grownUpUpgradeDelay.toString(),
    },
    rules: GOV_RULES,
  };
}

function decisionJson(decision: PlanDecision | undefined): PlanDecisionJson {
  const d = decision ?? create('babychain.v0.PlanDecision', {});
  return toJson('babychain.v0.PlanDecision', d) as unknown as PlanDecisionJson;
}

function tallyJson(t: Tally): TallyJson {
  return {
    yes: t.yes.toString(),
    no: t.no.toString(),
    abstain: t.abstain.toString(),
    veto: t.veto.toString(),
    totalPower: t.totalPower.toString(),
  };
}

/** A proposal's content as its canonical JSON (`{ case, value }`), which a wallet or console shows as it is. */
function contentJson(p: GovProposal): { case: string; value: unknown } {
  const json = toJson('babychain.v0.GovProposal', p) as { content?: { case: string; value: unknown } };
  if (json.content === undefined) throw new Error('unreachable: a stored proposal has content');
  return json.content;
}
