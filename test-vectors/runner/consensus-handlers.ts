// The consensus runner of test-vectors/README.md: one height of this implementation's engine, driven by the events.
import type { JsonValue } from '@babychain/codec';
import { fromHex, fromJson, toHex, toJson } from '@babychain/codec';
import type { EngineInput, EngineOutput, EngineState, TimeoutStepValue } from '@babychain/consensus';
import { ConsensusEngine, Step, TimeoutStep, ValidatorSet, VoteType } from '@babychain/consensus';

type Input = Record<string, unknown>;
/** the runner's block: the hex of its hash, as the vectors label blocks */
type Block = string;

const TIMEOUT_STEPS: Record<string, TimeoutStepValue> = {
  propose: TimeoutStep.PROPOSE,
  prevote: TimeoutStep.PREVOTE,
  precommit: TimeoutStep.PRECOMMIT,
};
const TIMEOUT_NAMES: Record<number, string> = {
  [TimeoutStep.PROPOSE]: 'propose',
  [TimeoutStep.PREVOTE]: 'prevote',
  [TimeoutStep.PRECOMMIT]: 'precommit',
};
const STEP_NAMES: Record<number, string> = {
  [Step.PROPOSE]: 'propose',
  [Step.PREVOTE]: 'prevote',
  [Step.PRECOMMIT]: 'precommit',
  [Step.COMMIT]: 'commit',
};

export function consensus(input: Input): Record<string, unknown> {
  const validators = ValidatorSet.fromGenesis(
    (input['validators'] as { publicKey: string; power: string }[]).map((v) => ({
      name: '',
      publicKey: fromHex(v.publicKey),
      power: BigInt(v.power),
    })),
  );
  const self = input['self'] as number | null;
  const engine = new ConsensusEngine<Block>({
    height: BigInt(input['height'] as string),
    validators,
    selfIndex: self ?? undefined,
  });
  const outputs = (input['events'] as Input[]).map((event) =>
    engine
      .handle(eventInput(event))
      .filter((o) => o.kind !== 'roundStep')
      .map(outputJson),
  );
  return { outputs, final: finalJson(engine.state) };
}

function eventInput(event: Input): EngineInput<Block> {
  if (event['start'] === true) return { kind: 'start' };
  if (event['proposal'] !== undefined) {
    return {
      kind: 'proposal',
      proposal: fromJson('babychain.v0.Proposal', event['proposal']),
      block: event['block'] as string,
      valid: event['valid'] === true,
    };
  }
  if (event['vote'] !== undefined) return { kind: 'vote', vote: fromJson('babychain.v0.Vote', event['vote']) };
  const timeout = event['timeout'] as { step: string; height: string; round: number } | undefined;
  if (timeout !== undefined) {
    const step = TIMEOUT_STEPS[timeout.step];
    if (step === undefined) throw new Error(`unknown timeout step ${timeout.step}`);
    return { kind: 'timeout', step, height: BigInt(timeout.height), round: timeout.round };
  }
  throw new Error(`unknown event ${JSON.stringify(event)}`);
}

function outputJson(o: EngineOutput<Block>): JsonValue {
  switch (o.kind) {
    case 'propose':
      // the vector format calls the engine's valid round `polRound` (-1: none), test-vectors/README.md
      return {
        propose: { height: o.height.toString(), round: o.round, polRound: o.validRound, block: o.block ?? null },
      };
    case 'vote':
      return {
        vote: {
          type: o.type === VoteType.PREVOTE ? 'prevote' : 'precommit',
          height: o.height.toString(),
          round: o.round,
          blockHash: toHex(o.blockHash),
        },
      };
    case 'scheduleTimeout':
      return {
        timeout: {
          step: TIMEOUT_NAMES[o.step] ?? String(o.step),
          height: o.height.toString(),
          round: o.round,
          ms: o.ms,
        },
      };
    case 'decide':
      return {
        decide: {
          height: o.height.toString(),
          round: o.round,
          blockHash: toHex(o.blockHash),
          block: o.block,
          commit: toJson('babychain.v0.Commit', o.commit),
        },
      };
    case 'evidence':
      return { evidence: toJson('babychain.v0.DuplicateVoteEvidence', o.evidence) };
    case 'roundStep':
      return { roundStep: { height: o.height.toString(), round: o.round, step: STEP_NAMES[o.step] ?? String(o.step) } };
  }
}

function finalJson(s: EngineState): JsonValue {
  return {
    round: s.round,
    step: STEP_NAMES[s.step] ?? String(s.step),
    lockedRound: s.lockedRound,
    lockedHash: s.lockedHash === undefined ? null : toHex(s.lockedHash),
    validRound: s.validRound,
    validHash: s.validHash === undefined ? null : toHex(s.validHash),
    decision: s.decision === undefined ? null : { round: s.decision.round, blockHash: toHex(s.decision.blockHash) },
  };
}
