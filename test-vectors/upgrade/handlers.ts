// The `upgrade-decision` runner of test-vectors/README.md on this implementation.
import type { Genesis, Plan, PlanDecision } from '@babychain/codec';
import { fromHex, toHex } from '@babychain/codec';
import {
  type GuardRecord,
  guardToKeep,
  isRetried,
  releaseForPlan,
  resumeAction,
  sourceDeadlines,
  walFromFailed,
} from '@babychain/launcher';
import { checkStartup, createGovernance, decodeGovRecord, versionInForce } from '@babychain/upgrade';

type Input = Record<string, unknown>;
type Handler = (input: Input) => Record<string, unknown>;

const guardOf = (v: unknown): GuardRecord => {
  if (v === 'absent' || v === 'corrupt') return v;
  const o = v as { height: string; round: number; step: number };
  return { height: BigInt(o.height), round: o.round, step: o.step };
};

const skipHeightsOf = (input: Input): Set<bigint> =>
  new Set(((input['skipHeights'] as string[] | undefined) ?? []).map((h) => BigInt(h)));

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

  'version-at'(input) {
    // UPG-3 reads the record and, of the genesis, the app version it starts at (GEN-5, GOV-3); UPG-9 the skip heights.
    const genesisAppVersion = (input['genesisAppVersion'] as number | undefined) ?? 0;
    const gov = createGovernance({ validators: [], appVersion: genesisAppVersion } as unknown as Genesis, [], {
      skipHeights: skipHeightsOf(input),
    });
    return { appVersion: gov.versionAt(fromHex(input['record'] as string), BigInt(input['height'] as string)) };
  },

  'plan-block'(input) {
    // UPG-4 / UPG-9: an empty block at `height` under `record`, by software with `handlers` (no migration) and
    // `skipHeights`; only the upgrade bookkeeping is reported.
    const genesis = { validators: [], appVersion: 0, accounts: [] } as unknown as Genesis;
    const handlers = input['handlers'] as { name: string; appVersion: number }[];
    const gov = createGovernance(genesis, handlers, { skipHeights: skipHeightsOf(input) });
    const noAccounts = {
      get: () => ({ balance: 0n, nonce: 0n }),
      set: () => {
        throw new Error('an empty block writes no account');
      },
    };
    const block = gov.begin(
      fromHex(input['record'] as string),
      { height: BigInt(input['height'] as string), timeMs: 0n },
      noAccounts,
    );
    const after = decodeGovRecord(block.end());
    return {
      appVersion: after.appVersion,
      version: after.version,
      plan: after.plan?.name ?? null,
      applied: after.applied.map((a) => a.name),
      ready: after.ready.length,
      attestations: after.attestations.map((a) => a.planName),
    };
  },

  startup(input) {
    const handlers = input['handlers'] as { name: string; appVersion: number }[];
    const genesisAppVersion = (input['genesisAppVersion'] as number | undefined) ?? 0;
    checkStartup(
      fromHex(input['record'] as string),
      handlers,
      BigInt(input['nextHeight'] as string),
      genesisAppVersion,
    );
    return {};
  },

  retry: (input) => ({ retried: isRetried(input['code'] as string) }),
  'source-deadlines': (input) => sourceDeadlines(BigInt(input['size'] as string)),
  'guard-to-keep': (input) => ({ keep: guardToKeep(guardOf(input['restored']), guardOf(input['failed'])) }),
  'wal-from-failed': (input) => ({
    fromFailed: walFromFailed(input['name'] as string, BigInt(input['planHeight'] as string)),
  }),
  'journal-resume': (input) => ({
    action: resumeAction((input['state'] as string | null) ?? undefined, input['runsFailedRelease'] === true),
  }),
};

export const upgradeHandlers: Record<string, Handler> = {
  'upgrade-decision'(input) {
    const op = ops[input['op'] as string];
    if (op === undefined) throw new Error(`unknown upgrade-decision op ${String(input['op'])}`);
    return op(input);
  },
};
