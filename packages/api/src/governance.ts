/** The governance answers (specs/rpc.md RPC-18, RPC-20; specs/governance.md): the record in force and its proposals. */
import { Type } from 'typebox';
import { closed, Hash, Hex, Integer, Nullable, U64 } from './scalars.ts';

const Share = Type.Object(
  {
    numerator: Integer,
    denominator: Integer,
    of: Type.Union([Type.Literal('total'), Type.Literal('voted'), Type.Literal('yes+no+veto')]),
  },
  {
    ...closed,
    description:
      'met by more than numerator/denominator of `of`: all the voting power, the power that voted, or that voted other than abstain',
  },
);

const TallyJson = Type.Object({ yes: U64, no: U64, abstain: U64, veto: U64, totalPower: U64 }, closed);
const ProposalKind = Type.Union([
  Type.Literal('software-upgrade'),
  Type.Literal('cancel-upgrade'),
  Type.Literal('param-change'),
  Type.Literal('validator-change'),
]);

/** A proposal in voting with its running tally (GOV-5, GOV-6). */
const ProposalInVoting = Type.Object(
  {
    id: U64,
    title: Type.String(),
    kind: ProposalKind,
    proposer: Hex,
    deposit: U64,
    submitHeight: U64,
    votingEndHeight: U64,
    planName: Type.Optional(Type.String()),
    content: Type.Optional(
      Type.Object(
        { case: Type.String(), value: Type.Unknown() },
        {
          ...closed,
          description:
            "RPC-18: a parameter or validator-set change's content as its canonical JSON (GOV-9, VAL-4, VAL-5, VAL-11); an upgrade's plan is answered as `plan` once scheduled",
        },
      ),
    ),
    tally: TallyJson,
  },
  closed,
);

/** A decided proposal as the governance record keeps it (GOV-6: the last 64). */
const ProposalDecided = Type.Object(
  {
    id: U64,
    title: Type.String(),
    status: Type.Union([
      Type.Literal('passed'),
      Type.Literal('rejected'),
      Type.Literal('vetoed'),
      Type.Literal('no-quorum'),
      Type.Literal('failed'),
    ]),
    tally: TallyJson,
    endHeight: U64,
    reason: Type.String(),
  },
  closed,
);

/** specs/governance.md: the governance record in force, for wallets, operators and launchers (LCH-2). */
export const UpgradeResult = Type.Object(
  {
    chainId: Type.String(),
    height: U64,
    nodeVersion: Type.String({ description: 'the release this node runs' }),
    handlers: Type.Array(Type.String(), { description: 'the upgrade plans this software can apply (UPG-4)' }),
    governance: Type.Object(
      {
        maturity: Type.Union([Type.Literal('baby'), Type.Literal('grown-up')]),
        appVersion: Integer,
        version: Type.String({ description: 'the release version of the last applied upgrade ("" before any)' }),
        versionInForce: Type.String({
          description: 'GOV-3: the last applied release, else the genesis releaseVersion; a release must be above it',
        }),
        releaseSigners: Type.Array(Hash),
        releaseThreshold: Integer,
        plan: Nullable(
          Type.Object(
            {
              name: Type.String(),
              height: U64,
              appVersion: Integer,
              version: Type.String(),
              manifest: Hex,
              urls: Type.Array(Type.String()),
              artifacts: Type.Array(Type.Object({ platform: Type.String(), sha256: Hash, size: U64 }, closed)),
              decision: Type.Object(
                {
                  height: U64,
                  timeMs: U64,
                  versionInForce: Type.String(),
                  releaseSigners: Type.Array(Hash),
                  releaseThreshold: Integer,
                },
                {
                  ...closed,
                  description:
                    'UPG-8: what consensus checked the release against when the plan passed; launchers check the same',
                },
              ),
            },
            closed,
          ),
        ),
        ready: Type.Object({ validators: Type.Array(Hex), power: U64, totalPower: U64 }, closed),
        attestations: Type.Array(
          Type.Object({ planName: Type.String(), validator: Hex, platform: Type.String(), sha256: Hash }, closed),
        ),
        proposals: Type.Array(ProposalInVoting),
        results: Type.Array(ProposalDecided, { description: 'GOV-6: the last 64 outcomes, oldest first' }),
        applied: Type.Array(
          Type.Object({ name: Type.String(), height: U64, appVersion: Integer, version: Type.String() }, closed),
        ),
        params: Type.Object({ minFee: U64, maxBlockBytes: U64, maxBlockTxs: Integer }, closed),
        govParams: Type.Object(
          {
            minDeposit: U64,
            babyVotingPeriod: U64,
            grownUpVotingPeriod: U64,
            babyUpgradeDelay: U64,
            grownUpUpgradeDelay: U64,
          },
          closed,
        ),
        rules: Type.Object(
          {
            quorum: Type.Union([Share], { description: 'GOV-6 step 1: votes needed, else no quorum' }),
            veto: Type.Union([Share], { description: 'GOV-6 step 2: veto power that vetoes' }),
            pass: Type.Object(
              {
                'software-upgrade': Share,
                'validator-change': Share,
                'cancel-upgrade': Share,
                'param-change': Share,
              },
              { ...closed, description: 'GOV-6 steps 3 and 4: yes power that passes, by kind' },
            ),
            attestation: Type.Union([Share], {
              description:
                'GOV-6 step 3, UPG-7: attested power a software upgrade also needs once the chain is grown up',
            }),
            ready: Type.Union([Share], {
              description: 'UPG-6: ready power the plan height needs to commit (2f+1 running the new release)',
            }),
          },
          { ...closed, description: 'the thresholds the tally and the switch apply, from the software in force' },
        ),
      },
      closed,
    ),
  },
  closed,
);

export const ProposalsParams = Type.Object(
  {
    limit: Type.Optional(Type.Union([U64], { description: 'RPC-20: 1 to 100 proposals, default 20' })),
    cursor: Type.Optional(
      Type.Union([U64], { description: "RPC-20: a page's `next`: the id the next page starts at, going down" }),
    ),
  },
  closed,
);

/** RPC-20: the proposals the record holds, newest (highest id) first, in voting or decided. */
export const ProposalsResult = Type.Object(
  {
    proposals: Type.Array(
      Type.Union([
        Type.Object(
          { ...ProposalInVoting.properties, status: Type.Literal('voting') },
          { ...closed, title: 'in voting' },
        ),
        Type.Object({ ...ProposalDecided.properties }, { ...closed, title: 'decided' }),
      ]),
    ),
    next: Nullable(Type.String(), { description: 'RPC-20: the cursor of the next (older) page; null on the last' }),
  },
  closed,
);
