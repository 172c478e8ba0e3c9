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

const file = {
  runner: 'upgrade-decision',
  description:
    'Upgrade decisions (specs/governance.md): the version in force (GOV-3) and whether a scheduled plan\'s release is accepted for a platform, judged by the plan\'s decision (UPG-8). `record` is the hex of a canonical GovState ("" for the empty record); `wallClockMs`, `signersNow` and `runningVersion` are what a launcher also knows, and must not change the outcome. Keys: seed n = SHA-256("babychain release signer n").',
  cases,
};
writeFileSync(join(import.meta.dirname, 'decisions.json'), `${JSON.stringify(file, null, 2)}\n`);
console.log(
  `wrote ${cases.length} upgrade-decision cases (${cases.filter((c) => c.expected['ok'] === false).length} must-reject)`,
);
