// Writes test-vectors/upgrade/decisions.json: the upgrade decisions a second implementation must make the same way
// as this one (specs/governance.md GOV-3, UPG-8, LCH-*). Manifests are signed from the protocol's pieces
// (test-vectors/governance/manifests.ts), records are canonical GovState encodings, and every expected outcome is
// written by hand from the spec, so a wrong implementation cannot agree with itself.
// Run: node test-vectors/upgrade/generate.ts. Never rerun to make a failing test pass: find which side is wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GovState, PlanDecision, SignedManifest } from '@babychain/codec';
import { encode, toHex } from '@babychain/codec';
import {
  artifact,
  CHAIN,
  DAY,
  manifest,
  NOW,
  outsider,
  PLAN,
  s0,
  s1,
  s2,
  signed,
  sorted,
} from '../governance/manifests.ts';

interface Case {
  id: string;
  description: string;
  rule: string;
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}
const cases: Case[] = [];
const expected = (result: Record<string, unknown> | string) =>
  typeof result === 'string' ? { ok: false, error: result } : { ok: true, ...result };

// --- GOV-3: the version in force ------------------------------------------------------------------------------------
const record = (state: Partial<GovState>): string =>
  toHex(
    encode('babychain.v0.GovState', {
      nextProposalId: 0n,
      proposals: [],
      ready: [],
      attestations: [],
      applied: [],
      appVersion: 0,
      version: '',
      maturity: 0,
      results: [],
      validators: [],
      nextValidators: [],
      lastValidators: [],
      jailed: [],
      evidence: [],
      ...state,
    }),
  );

function versionInForce(id: string, description: string, genesisReleaseVersion: string, rec: string, want: string) {
  cases.push({
    id: `upgrade-version-in-force-${id}`,
    description,
    rule: 'GOV-3',
    input: { op: 'version-in-force', genesisReleaseVersion, record: rec },
    expected: expected({ version: want }),
  });
}
versionInForce('none', 'a genesis naming no release, nothing applied: ""', '', '', '');
versionInForce('genesis', 'nothing applied (the empty record): the genesis release', '0.1.0', '', '0.1.0');
versionInForce(
  'applied',
  'an upgrade to 0.3.0 was applied: the record version, not the genesis release',
  '0.1.0',
  record({
    applied: [{ name: 'v0.3.0', height: 40n, appVersion: 1, version: '0.3.0' }],
    appVersion: 1,
    version: '0.3.0',
  }),
  '0.3.0',
);

// --- UPG-3, UPG-5: the app version of a block, and which software may start ------------------------------------
const withPlan = (height: bigint, appVersion: number) =>
  record({
    appVersion: appVersion - 1,
    plan: { name: 'v2', height, appVersion, urls: ['https://example.org/{sha256}'] },
  });
function versionAt(
  id: string,
  description: string,
  rec: string,
  height: bigint,
  appVersion: number,
  genesisAppVersion?: number,
) {
  cases.push({
    id: `upgrade-version-at-${id}`,
    description,
    rule: genesisAppVersion === undefined ? 'UPG-3' : 'GOV-3',
    input: {
      op: 'version-at',
      record: rec,
      height: height.toString(),
      ...(genesisAppVersion === undefined ? {} : { genesisAppVersion }),
    },
    expected: expected({ appVersion }),
  });
}
versionAt('genesis', 'the empty record: app version 0 at any height', '', 1_000n, 0);
versionAt(
  'before-plan',
  'app version 1 in force, plan v2 (app version 2) at height 40: height 39 is still 1',
  withPlan(40n, 2),
  39n,
  1,
);
versionAt('at-plan', 'the same record: height 40, the plan height, is 2', withPlan(40n, 2), 40n, 2);
versionAt(
  'genesis-starts-at-1',
  'a genesis at app version 1 (GEN-5) and the empty record: 1 at any height',
  '',
  1n,
  1,
  1,
);
const fromGenesisOne = record({
  plan: { name: 'v2', height: 40n, appVersion: 2, urls: ['https://example.org/{sha256}'] },
});
versionAt(
  'genesis-one-before-plan',
  'a genesis at app version 1, no upgrade applied, plan v2 (app version 2) at height 40: 39 is 1',
  fromGenesisOne,
  39n,
  1,
  1,
);
versionAt('genesis-one-at-plan', 'the same: height 40 is 2', fromGenesisOne, 40n, 2, 1);
// UPG-9: a skip height at the plan's height keeps the plan's version out of force; anywhere else it does nothing.
cases.push({
  id: 'upgrade-version-at-skipped-plan',
  description: 'app version 1 in force, plan v2 at height 40, this node skips height 40: height 40 stays 1',
  rule: 'UPG-9',
  input: { op: 'version-at', record: withPlan(40n, 2), height: '40', skipHeights: ['40'] },
  expected: expected({ appVersion: 1 }),
});
cases.push({
  id: 'upgrade-version-at-skip-elsewhere',
  description: 'the same plan, skip heights 39 and 41 only: height 40 is 2 as UPG-3 says',
  rule: 'UPG-9',
  input: { op: 'version-at', record: withPlan(40n, 2), height: '40', skipHeights: ['39', '41'] },
  expected: expected({ appVersion: 2 }),
});
versionAt(
  'genesis-below-applied',
  'a genesis at app version 1 and an applied upgrade to 3: the greater, 3',
  record({ appVersion: 3 }),
  5n,
  3,
  1,
);

function startup(
  id: string,
  description: string,
  rec: string,
  handlers: { name: string; appVersion: number }[],
  nextHeight: bigint,
  want: string | null,
  genesisAppVersion?: number,
) {
  cases.push({
    id: `upgrade-startup-${id}`,
    description,
    rule: 'UPG-5',
    input: {
      op: 'startup',
      record: rec,
      handlers,
      nextHeight: nextHeight.toString(),
      ...(genesisAppVersion === undefined ? {} : { genesisAppVersion }),
    },
    expected: want === null ? expected({}) : expected(want),
  });
}
startup(
  'genesis-at-native-version',
  "a genesis starting at app version 1, which this chapter's software defines by itself (GEN-5): starts",
  '',
  [],
  1n,
  null,
  1,
);
startup(
  'genesis-above-software',
  "a genesis starting at app version 2, which neither the software's own rules (1) nor its handlers define",
  '',
  [],
  1n,
  'UPG_BINARY_TOO_OLD',
  2,
);
startup(
  'old-release-before-plan',
  'software that implements app version 1 (the handler of v1) but not v2, next height 39 of a plan at 40: runs until the halt',
  withPlan(40n, 2),
  [{ name: 'v1', appVersion: 1 }],
  39n,
  null,
);
startup(
  'no-handler-for-version-in-force',
  'the chain runs app version 1; software with no handler at all implements only app version 0',
  withPlan(40n, 2),
  [],
  39n,
  'UPG_BINARY_TOO_OLD',
);
startup(
  'new-release-early',
  'software with the handlers of v1 and v2, next height 39 of a plan at 40: too early',
  withPlan(40n, 2),
  [
    { name: 'v1', appVersion: 1 },
    { name: 'v2', appVersion: 2 },
  ],
  39n,
  'UPG_EARLY_BINARY',
);
startup(
  'new-release-at-plan',
  'software with the handlers of v1 and v2 at next height 40: runs (it executes the plan height)',
  withPlan(40n, 2),
  [
    { name: 'v1', appVersion: 1 },
    { name: 'v2', appVersion: 2 },
  ],
  40n,
  null,
);
startup(
  'too-old',
  'the chain runs app version 3; software whose highest handler is app version 2',
  record({ appVersion: 3, version: '1.3.0', applied: [{ name: 'v3', height: 50n, appVersion: 3, version: '1.3.0' }] }),
  [{ name: 'v2', appVersion: 2 }],
  60n,
  'UPG_BINARY_TOO_OLD',
);

// --- UPG-8: a scheduled plan's release, judged by its decision ------------------------------------------------------
const LINUX = artifact('linux-x64');
const decision = (over: Partial<PlanDecision> = {}): PlanDecision => ({
  height: 30n,
  timeMs: NOW,
  versionInForce: '1.0.0',
  releaseSigners: [s0, s1, s2].map((s) => s.publicKey),
  releaseThreshold: 2,
  ...over,
});
const scheduled = (release: SignedManifest, d: PlanDecision, name = PLAN) =>
  record({
    plan: { name, height: 40n, appVersion: 1, release, urls: ['https://example.org/{sha256}'] },
    planDecision: d,
  });

interface PlanInput {
  platform?: string;
  /** what a launcher's clock says: never an input of the decision */
  wallClockMs?: bigint;
  /** the signer set in force now: never an input of the decision */
  signersNow?: readonly Uint8Array[];
  /** the release the launcher runs: never an input of the decision */
  runningVersion?: string;
}

function planRelease(
  id: string,
  description: string,
  rule: string,
  rec: string,
  want: string | { version: string },
  p: PlanInput = {},
) {
  cases.push({
    id: `upgrade-plan-release-${id}`,
    description,
    rule,
    input: {
      op: 'plan-release',
      chainId: CHAIN,
      record: rec,
      platform: p.platform ?? 'linux-x64',
      wallClockMs: (p.wallClockMs ?? NOW).toString(),
      signersNow: (p.signersNow ?? [s0, s1, s2].map((s) => s.publicKey)).map((k) => toHex(k)),
      runningVersion: p.runningVersion ?? '1.0.0',
    },
    expected: expected(
      typeof want === 'string'
        ? want
        : {
            version: want.version,
            artifact: { platform: 'linux-x64', sha256: toHex(LINUX.sha256), size: '1000', unpackedSize: '4000' },
          },
    ),
  });
}

const good = signed(manifest(), sorted([s0, s1]));
planRelease(
  'valid',
  'signed by two of the three signers of the decision, threshold 2',
  'UPG-8',
  scheduled(good, decision()),
  {
    version: '1.1.0',
  },
);
planRelease(
  'expired-since',
  'the manifest expires an hour after the plan passed; a launcher reads it a day later: the decision time binds',
  'UPG-8',
  scheduled(signed(manifest({ expiresMs: NOW + 3_600_000n }), sorted([s0, s1])), decision()),
  { version: '1.1.0' },
  { wallClockMs: NOW + DAY },
);
planRelease(
  'signers-replaced-since',
  'governance replaced the signer set by an outsider since the plan passed: the decision signers bind',
  'UPG-8',
  scheduled(good, decision()),
  { version: '1.1.0' },
  { signersNow: [outsider.publicKey] },
);
planRelease(
  'running-a-later-release',
  'the launcher runs 3.0.0 (installed by hand); the version in force of the decision is 1.0.0: accepted',
  'UPG-8',
  scheduled(good, decision()),
  { version: '1.1.0' },
  { runningVersion: '3.0.0' },
);
planRelease(
  'expired-at-decision',
  'the manifest had expired at the decision time (consensus could not have passed it)',
  'REL-4',
  scheduled(signed(manifest({ expiresMs: NOW }), sorted([s0, s1])), decision()),
  'REL_EXPIRED',
);
planRelease(
  'not-above-version-in-force',
  'the decision version in force is 1.1.0, the release 1.1.0',
  'REL-4',
  scheduled(good, decision({ versionInForce: '1.1.0' })),
  'REL_VERSION_NOT_HIGHER',
);
planRelease(
  'signer-added-since',
  'signed by s0 and the outsider, who joined the signer set after the plan passed',
  'UPG-8',
  scheduled(signed(manifest(), sorted([s0, outsider])), decision()),
  'REL_UNKNOWN_SIGNER',
  { signersNow: [s0, s1, s2, outsider].map((s) => s.publicKey) },
);
planRelease(
  'threshold-of-decision',
  'two signatures, the decision threshold 3',
  'UPG-8',
  scheduled(good, decision({ releaseThreshold: 3 })),
  'REL_TOO_FEW_SIGNATURES',
);
planRelease(
  'wrong-plan',
  'the scheduled plan is "other-plan", the manifest names "v2-upgrade"',
  'REL-4',
  scheduled(good, decision(), 'other-plan'),
  'REL_WRONG_PLAN',
);
planRelease(
  'no-artifact',
  'no build for platform "freebsd-x64"',
  'LCH-2',
  scheduled(good, decision()),
  'LCH_NO_ARTIFACT',
  {
    platform: 'freebsd-x64',
  },
);

// --- LCH-2, LCH-3: which failures are tried again, and how long one source may take ------------------------------
function retried(code: string, want: boolean, why: string) {
  cases.push({
    id: `upgrade-retry-${code.toLowerCase().replaceAll('_', '-')}`,
    description: `${code}: ${why}`,
    rule: 'LCH-2',
    input: { op: 'retry', code },
    expected: expected({ retried: want }),
  });
}
retried('LCH_DOWNLOAD_FAILED', true, 'no source answered: another attempt may find one');
retried('LCH_DISK_FULL', true, 'the disk filled while downloading or unpacking: room may be made');
retried('REL_WRONG_SIZE', true, 'every source sent too many or too few bytes: a mirror may be fixed');
retried('REL_DIGEST_MISMATCH', true, 'every source sent other bytes: a mirror may be fixed');
retried('REL_WRONG_UNPACKED_SIZE', false, 'the signed bytes unpack to another size than signed: they never change');
retried('REL_BAD_RELEASE_INFO', false, "the signed bytes' release.json disagrees with the manifest");
retried('REL_EXPIRED', false, 'a verdict on the manifest and its decision');
retried('REL_UNKNOWN_SIGNER', false, 'a verdict on the manifest and its decision');
retried('LCH_NO_ARTIFACT', false, 'the manifest has no build for this platform');
retried('LCH_BAD_RELEASE', false, 'the signed release is not a usable release');

function deadlines(size: bigint, totalMs: number, why: string) {
  cases.push({
    id: `upgrade-source-deadline-${size}`,
    description: `an artifact of ${size} bytes: ${why}`,
    rule: 'LCH-3',
    input: { op: 'source-deadlines', size: size.toString() },
    expected: expected({ idleMs: 30_000, totalMs }),
  });
}
deadlines(1n, 30_001, '30 s plus 1 byte at 128 KiB/s, rounded up to the millisecond');
deadlines(131_072n, 31_000, '30 s plus one second at 128 KiB/s');
deadlines(2_165_564n, 46_522, 'the devnet release: 30 s plus 16.522 s');
deadlines(268_435_456n, 2_078_000, 'the download cap: 30 s plus 2 048 s');

// --- LCH-6, LCH-7: what a rollback keeps, what a restarted launcher resumes to ---------------------------------
type Guard = { height: string; round: number; step: number } | 'absent' | 'corrupt';
const g = (height: number, round: number, step: number): Guard => ({ height: String(height), round, step });
function guard(id: string, description: string, restored: Guard, failed: Guard, keep: 'restored' | 'failed') {
  cases.push({
    id: `upgrade-guard-${id}`,
    description,
    rule: 'LCH-6',
    input: { op: 'guard-to-keep', restored, failed },
    expected: expected({ keep }),
  });
}
// Steps: 1 PROPOSE, 2 PREVOTE, 3 PRECOMMIT (CONS-11).
guard(
  'failed-signed-plan-height',
  'the backup signed 19, the failed release precommitted at 20',
  g(19, 0, 3),
  g(20, 0, 3),
  'failed',
);
guard(
  'failed-later-step',
  'both at 20 round 0: a prevote, then the failed precommit',
  g(20, 0, 2),
  g(20, 0, 3),
  'failed',
);
guard(
  'restored-later-round',
  'the backup at 20 round 1 propose, the failed at 20 round 0 precommit',
  g(20, 1, 1),
  g(20, 0, 3),
  'restored',
);
guard(
  'equal',
  'both at the same step: the backup is kept (they are the same record)',
  g(20, 0, 3),
  g(20, 0, 3),
  'restored',
);
guard('failed-signed-nothing', 'the failed release wrote no guard file', g(19, 0, 3), 'absent', 'restored');
guard(
  'backup-signed-nothing',
  'a backup with no guard file, a failed release that signed',
  'absent',
  g(5, 0, 1),
  'failed',
);
guard(
  'failed-corrupt',
  "the failed release's guard cannot be read: kept, so the node refuses to start",
  g(19, 0, 3),
  'corrupt',
  'failed',
);

function wal(name: string, planHeight: bigint, fromFailed: boolean, why: string) {
  cases.push({
    id: `upgrade-wal-${name.replace('.wal', '')}-plan-${planHeight}`,
    description: `${name} with the plan at ${planHeight}: ${why}`,
    rule: 'LCH-6',
    input: { op: 'wal-from-failed', name, planHeight: planHeight.toString() },
    expected: expected({ fromFailed }),
  });
}
wal('00000000000000000020.wal', 20n, true, 'the plan height: what the failed release locked there is kept');
wal('00000000000000000021.wal', 20n, true, 'above the plan height');
wal('00000000000000000019.wal', 20n, false, "below the plan height: the backup's copy is the old release's own");
wal('20.wal', 20n, false, 'not a CONS-10 file name (20 digits)');

function resume(state: string | null, action: string, why: string, runsFailedRelease = false) {
  cases.push({
    id: `upgrade-resume-${state ?? 'no-journal'}${runsFailedRelease ? '-current-is-failed' : ''}`,
    description: `journal ${state === null ? 'absent' : `"${state}"`}: ${why}`,
    rule: 'LCH-7',
    input: { op: 'journal-resume', state, runsFailedRelease },
    expected: expected({ action }),
  });
}
resume(null, 'run-current', 'no switch was ever started');
resume(
  'backing-up',
  'redo-switch',
  'backing up only reads data/: the cut backup is discarded and the switch done again',
);
resume('switched', 'watch-new', 'current may already name the new release: start it and watch the plan height');
resume('watching', 'watch-new', 'the new release may have committed the plan height: the watch then ends at once');
resume('rolling-back', 'finish-rollback', 'a rollback cut short is finished step by step');
resume('upgraded', 'run-current', 'the switch ended: the new release is current');
resume('rolled-back', 'run-current', 'the rollback ended: the old release is current');
resume(
  'failed',
  'stay-stopped',
  'the new release failed with no backup and is still current: it must not run again',
  true,
);
resume('failed', 'run-current', 'after such a failure an operator installed another release: it runs');

// --- UPG-4, UPG-9: the empty block at a plan's height ---------------------------------------------------------------
const V0 = new Uint8Array(20).fill(1);
const V1 = new Uint8Array(20).fill(2);
const digest = new Uint8Array(32).fill(5);
/** app version 1 in force (release 1.0.0), plan v2 at 40 with a ready signal and two attestations */
const atPlan = record({
  appVersion: 1,
  version: '1.0.0',
  plan: { name: 'v2', height: 40n, appVersion: 2, urls: ['https://example.org/{sha256}'] },
  ready: [V0],
  attestations: [
    { validator: V0, platform: 'linux-x64', sha256: digest, planName: 'v2' },
    { validator: V1, platform: 'linux-x64', sha256: digest, planName: 'v2' },
  ],
});
function planBlock(
  id: string,
  description: string,
  rule: string,
  input: Record<string, unknown>,
  want: Record<string, unknown> | string,
) {
  cases.push({
    id: `upgrade-plan-block-${id}`,
    description,
    rule,
    input: { op: 'plan-block', record: atPlan, height: '40', ...input },
    expected: expected(want),
  });
}
planBlock(
  'no-handler',
  'no handler and no skip: the block is not executed',
  'UPG-4',
  { handlers: [], skipHeights: [] },
  'UPG_NEEDED',
);
planBlock(
  'skip-no-handler',
  'no handler, skip height 40: executed under app version 1; the plan, its ready signals and its attestations go, nothing is applied',
  'UPG-9',
  { handlers: [], skipHeights: ['40'] },
  { appVersion: 1, version: '1.0.0', plan: null, applied: [], ready: 0, attestations: [] },
);
planBlock(
  'skip-with-handler',
  'the handler installed and skip height 40: the skip wins, the same outcome as without the handler',
  'UPG-9',
  { handlers: [{ name: 'v2', appVersion: 2 }], skipHeights: ['40'] },
  { appVersion: 1, version: '1.0.0', plan: null, applied: [], ready: 0, attestations: [] },
);
planBlock(
  'skip-elsewhere',
  'no handler, skip height 41 only: halts as UPG-4 says',
  'UPG-9',
  { handlers: [], skipHeights: ['41'] },
  'UPG_NEEDED',
);
planBlock(
  'applied',
  'the handler installed, no skip: applied, app version 2, every attestation cleared',
  'UPG-4',
  { handlers: [{ name: 'v2', appVersion: 2 }], skipHeights: [] },
  { appVersion: 2, version: '', plan: null, applied: ['v2'], ready: 0, attestations: [] },
);

const file = {
  runner: 'upgrade-decision',
  description:
    'Upgrade decisions (specs/governance.md): the version in force (GOV-3); the app version of a block (UPG-3, under skip heights UPG-9); what the block at a plan\'s height does to the record (UPG-4, UPG-9); which software may start (UPG-5); whether a scheduled plan\'s release is accepted for a platform, judged by the plan\'s decision (UPG-8); which failures a launcher tries again and how long one source may take (LCH-2, LCH-3); which guard record and WAL files a rollback keeps (LCH-6); what a restarted launcher resumes to (LCH-7). `record` is the hex of a canonical GovState ("" for the empty record); `wallClockMs`, `signersNow` and `runningVersion` are what a launcher also knows, and must not change the outcome. Keys: seed n = SHA-256("babychain release signer n").',
  cases,
};
writeFileSync(join(import.meta.dirname, 'decisions.json'), `${JSON.stringify(file, null, 2)}\n`);
console.log(
  `wrote ${cases.length} upgrade-decision cases (${cases.filter((c) => c.expected['ok'] === false).length} must-reject)`,
);
