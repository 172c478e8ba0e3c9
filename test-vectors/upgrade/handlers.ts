// The `upgrade-decision` runner of test-vectors/README.md on this implementation.
import type { Genesis, Plan, PlanDecision } from '@babychain/codec';
import { fromHex, toHex } from '@babychain/codec';
import { releaseForPlan } from '@babychain/launcher';
import { decodeGovRecord, versionInForce } from '@babychain/upgrade';

type Input = Record<string, unknown>;
type Handler = (input: Input) => Record<string, unknown>;

const ops: Record<string, Handler> = {
  'version-in-force'(input) {
    // GOV-3 reads nothing of the genesis but the release it starts on.
    const genesis = { releaseVersion: input['genesisReleaseVersion'] as string } as Genesis;
    return { version: versionInForce(genesis, decodeGovRecord(fromHex(input['record'] as string))) };
  },

  'plan-release'(input) {
    // wallClockMs, signersNow and runningVersion are deliberately not passed: UPG-8 says they decide nothing.
    const state = decodeGovRecord(fromHex(input['record'] as string));
    const plan = state.plan as Plan;
    const { manifest, artifact } = releaseForPlan(
      input['chainId'] as string,
      plan.name,
      plan.release ?? { signatures: [] },
      state.planDecision as PlanDecision,
      input['platform'] as string,
    );
    return {
      version: manifest.version,
      artifact: {
        platform: artifact.platform,
        sha256: toHex(artifact.sha256),
        size: artifact.size.toString(),
        unpackedSize: artifact.unpackedSize.toString(),
      },
    };
  },
};

export const upgradeHandlers: Record<string, Handler> = {
  'upgrade-decision'(input) {
    const op = ops[input['op'] as string];
    if (op === undefined) throw new Error(`unknown upgrade-decision op ${String(input['op'])}`);
    return op(input);
  },
};
