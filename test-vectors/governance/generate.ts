// Writes test-vectors/governance/*.json: REL-4 release manifest verification and GOV-6 tallies.
// Manifests are signed here from the protocol's pieces (ManifestSignDoc encoding, ed25519), not with
// packages/upgrade, and every expected outcome is written by hand from the spec, so a wrong implementation cannot
// agree with itself. Must-reject cases name their one defect (or, for check-order cases, the two and which wins).
// Run: node test-vectors/governance/generate.ts. Never rerun to make a failing test pass: find which side is wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestSignature, SignedManifest } from '@babychain/codec';
import { compareBytes, encode, toHex } from '@babychain/codec';
import { artifact, CHAIN, manifest, NOW, outsider, PLAN, SIGNERS, s0, s1, s2, signed, sorted } from './manifests.ts';

// --- cases ----------------------------------------------------------------------------------------------------------
interface Case {
  id: string;
  description: string;
  rule: string;
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}
const manifestCases: Case[] = [];

interface Context {
  chainId?: string;
  planName?: string;
  currentVersion?: string;
  nowMs?: bigint;
  signers?: string[];
  threshold?: number;
}

function rel(id: string, description: string, rule: string, sm: SignedManifest, result: string, ctx: Context = {}) {
  manifestCases.push({
    id: `rel-${id}`,
    description,
    rule,
    input: {
      signedManifest: toHex(encode('babychain.v0.SignedManifest', sm)),
      chainId: ctx.chainId ?? CHAIN,
      planName: ctx.planName ?? PLAN,
      currentVersion: ctx.currentVersion ?? '1.0.0',
      nowMs: (ctx.nowMs ?? NOW).toString(),
      signers: ctx.signers ?? SIGNERS,
      threshold: ctx.threshold ?? 2,
    },
    expected: result.startsWith('REL_') ? { ok: false, error: result } : { ok: true, version: result },
  });
}

const good = manifest();
rel(
  'valid-two-of-three',
  'two of the three signers sign, threshold 2',
  'REL-4',
  signed(good, sorted([s0, s2])),
  '1.1.0',
);
rel('valid-all-signers', 'all three signers sign', 'REL-4', signed(good, sorted([s0, s1, s2])), '1.1.0');
rel(
  'valid-first-release',
  'no upgrade applied yet: the version in force is "", below every version',
  'REL-2',
  signed(manifest({ version: '0.0.1' }), sorted([s0, s1])),
  '0.0.1',
  { currentVersion: '' },
);
rel(
  'valid-numeric-compare',
  '1.0.10 is above 1.0.9: versions compare number by number, not as text',
  'REL-2',
  signed(manifest({ version: '1.0.10' }), sorted([s0, s1])),
  '1.0.10',
  { currentVersion: '1.0.9' },
);
rel(
  'valid-max-size',
  'an artifact of exactly 268 435 456 bytes (the download cap)',
  'REL-1',
  signed(manifest({ artifacts: [artifact('linux-x64', 268_435_456n)] }), sorted([s1, s2])),
  '1.1.0',
);
rel(
  'valid-one-millisecond-left',
  'now is one millisecond before expires_ms',
  'REL-4',
  signed(manifest({ expiresMs: NOW + 1n }), sorted([s0, s1])),
  '1.1.0',
);
rel(
  'wrong-plan',
  'the manifest names plan "other-plan"',
  'REL-4',
  signed(manifest({ planName: 'other-plan' }), sorted([s0, s1])),
  'REL_WRONG_PLAN',
);
rel(
  'wrong-chain',
  'the manifest names chain "another-chain"',
  'REL-4',
  signed(manifest({ chainId: 'another-chain' }), sorted([s0, s1])),
  'REL_WRONG_PLAN',
);
rel(
  'bad-version-leading-zero',
  'version "1.01.0" has a leading zero',
  'REL-2',
  signed(manifest({ version: '1.01.0' }), sorted([s0, s1])),
  'REL_BAD_VERSION',
);
rel(
  'bad-version-two-parts',
  'version "1.1" has two numbers',
  'REL-2',
  signed(manifest({ version: '1.1' }), sorted([s0, s1])),
  'REL_BAD_VERSION',
);
rel(
  'bad-version-too-big',
  'version "2147483648.0.0": a number at 2^31',
  'REL-2',
  signed(manifest({ version: '2147483648.0.0' }), sorted([s0, s1])),
  'REL_BAD_VERSION',
);
rel(
  'bad-source-commit',
  'source_commit in uppercase hex',
  'REL-1',
  signed(manifest({ sourceCommit: '0123456789ABCDEF0123456789ABCDEF01234567' }), sorted([s0, s1])),
  'REL_BAD_MANIFEST',
);
rel(
  'no-artifacts',
  'the manifest lists no artifact',
  'REL-1',
  signed(manifest({ artifacts: [] }), sorted([s0, s1])),
  'REL_BAD_ARTIFACT',
);
rel(
  'artifacts-unsorted',
  'platforms linux-x64 then darwin-arm64: not ascending',
  'REL-1',
  signed(manifest({ artifacts: [artifact('linux-x64'), artifact('darwin-arm64')] }), sorted([s0, s1])),
  'REL_BAD_ARTIFACT',
);
rel(
  'valid-unpack-ratio-32',
  'an artifact of 1000 bytes declaring 32 000 unpacked: exactly the ratio cap',
  'REL-1',
  signed(manifest({ artifacts: [artifact('linux-x64', 1000n, 32_000n)] }), sorted([s0, s1])),
  '1.1.0',
);
rel(
  'unpack-ratio-above-32',
  'an artifact of 1000 bytes declaring 32 001 unpacked: a gzip bomb cannot be signed into a plan',
  'REL-1',
  signed(manifest({ artifacts: [artifact('linux-x64', 1000n, 32_001n)] }), sorted([s0, s1])),
  'REL_BAD_ARTIFACT',
);
rel(
  'unpacked-size-zero',
  'an artifact declaring 0 unpacked bytes (absent on the wire)',
  'REL-1',
  signed(manifest({ artifacts: [artifact('linux-x64', 1000n, 0n)] }), sorted([s0, s1])),
  'REL_BAD_ARTIFACT',
);
rel(
  'unpacked-above-1-gib',
  'an artifact of 256 MiB declaring 1 GiB + 1 unpacked: within the ratio, above the cap',
  'REL-1',
  signed(manifest({ artifacts: [artifact('linux-x64', 268_435_456n, 1_073_741_825n)] }), sorted([s0, s1])),
  'REL_BAD_ARTIFACT',
);
rel(
  'artifact-size-zero',
  'an artifact of size 0',
  'REL-1',
  signed(manifest({ artifacts: [artifact('linux-x64', 0n)] }), sorted([s0, s1])),
  'REL_BAD_ARTIFACT',
);
rel(
  'artifact-too-large',
  'an artifact of 268 435 457 bytes, one above the cap',
  'REL-1',
  signed(manifest({ artifacts: [artifact('linux-x64', 268_435_457n)] }), sorted([s0, s1])),
  'REL_BAD_ARTIFACT',
);
rel(
  'artifact-short-digest',
  'an artifact digest of 31 bytes',
  'REL-1',
  signed(manifest({ artifacts: [{ ...artifact('linux-x64'), sha256: new Uint8Array(31) }] }), sorted([s0, s1])),
  'REL_BAD_ARTIFACT',
);
rel(
  'version-equal',
  'the release version equals the version in force',
  'REL-4',
  signed(good, sorted([s0, s1])),
  'REL_VERSION_NOT_HIGHER',
  { currentVersion: '1.1.0' },
);
rel(
  'version-lower',
  'release 1.1.0 while 1.2.0 is in force',
  'REL-4',
  signed(good, sorted([s0, s1])),
  'REL_VERSION_NOT_HIGHER',
  { currentVersion: '1.2.0' },
);
rel(
  'expired-at-expiry',
  'now equals expires_ms: not valid at or after it',
  'REL-4',
  signed(manifest({ expiresMs: NOW }), sorted([s0, s1])),
  'REL_EXPIRED',
);
const unsorted = signed(good, sorted([s0, s1]).reverse());
rel(
  'signatures-unsorted',
  'two valid signatures in descending key order',
  'REL-3',
  unsorted,
  'REL_SIGNATURES_UNSORTED',
);
rel(
  'signatures-duplicate',
  'the same valid signature twice: not strictly ascending',
  'REL-3',
  signed(good, [s0, s0]),
  'REL_SIGNATURES_UNSORTED',
);
rel(
  'unknown-signer',
  'a valid signature by key 9, which is not in the signer set, next to a valid one by a signer',
  'REL-4',
  signed(good, sorted([s0, outsider])),
  'REL_UNKNOWN_SIGNER',
);
const tampered = signed(good, sorted([s0, s1]));
const lastSig = tampered.signatures[1] as ManifestSignature;
const flipped = lastSig.signature.slice();
flipped[10] = (flipped[10] as number) ^ 1;
tampered.signatures[1] = { publicKey: lastSig.publicKey, signature: flipped };
rel('bad-signature', 'the second signature has bit 0 of byte 10 flipped', 'REL-4', tampered, 'REL_BAD_SIGNATURE');
const otherManifestSig = signed(good, [s0]).signatures.concat(signed(manifest({ version: '1.1.1' }), [s1]).signatures);
rel(
  'signature-of-another-manifest',
  'the second signature is a valid signature by a signer, over the same manifest with version 1.1.1',
  'REL-3',
  { manifest: good, signatures: otherManifestSig.sort((a, b) => compareBytes(a.publicKey, b.publicKey)) },
  'REL_BAD_SIGNATURE',
);
rel('too-few', 'one valid signature, threshold 2', 'REL-4', signed(good, [s1]), 'REL_TOO_FEW_SIGNATURES');
rel('no-signatures', 'no signature at all, threshold 2', 'REL-4', signed(good, []), 'REL_TOO_FEW_SIGNATURES');
rel(
  'threshold-zero',
  'no release signers and threshold 0: no release can pass',
  'REL-4',
  signed(good, []),
  'REL_TOO_FEW_SIGNATURES',
  { signers: [], threshold: 0 },
);
rel(
  'order-wrong-plan-before-version',
  'wrong plan and a malformed version: REL_WRONG_PLAN is checked first',
  'REL-4',
  signed(manifest({ planName: 'other-plan', version: 'x' }), sorted([s0, s1])),
  'REL_WRONG_PLAN',
);
rel(
  'order-version-before-expiry',
  'a version not above the one in force and an expired manifest: REL_VERSION_NOT_HIGHER first',
  'REL-4',
  signed(manifest({ expiresMs: NOW - 1n }), sorted([s0, s1])),
  'REL_VERSION_NOT_HIGHER',
  { currentVersion: '2.0.0' },
);
rel(
  'order-expiry-before-signatures',
  'expired and only one signature: REL_EXPIRED first',
  'REL-4',
  signed(manifest({ expiresMs: NOW - 1n }), [s0]),
  'REL_EXPIRED',
);
const badThenUnknown = signed(good, sorted([s0, outsider]));
const known = badThenUnknown.signatures.findIndex((x) => compareBytes(x.publicKey, s0.publicKey) === 0);
const knownSig = badThenUnknown.signatures[known] as ManifestSignature;
badThenUnknown.signatures[known] = { publicKey: knownSig.publicKey, signature: new Uint8Array(64).fill(1) };
rel(
  'order-unknown-before-bad-signature',
  "a signer's garbage signature and a valid one by key 9: every key is checked against the set before any signature",
  'REL-4',
  badThenUnknown,
  'REL_UNKNOWN_SIGNER',
);

// --- tally ----------------------------------------------------------------------------------------------------------
type Option = 'yes' | 'no' | 'abstain' | 'veto';
const tallyCases: Case[] = [];

function tally(
  id: string,
  description: string,
  kind: 'software-upgrade' | 'cancel-upgrade' | 'param-change',
  powers: bigint[],
  votes: [number, Option][],
  status: 'passed' | 'rejected' | 'vetoed' | 'no-quorum',
  extra: { maturity?: 'baby' | 'grown-up'; attested?: number[] } = {},
) {
  const sums = { yes: 0n, no: 0n, abstain: 0n, veto: 0n };
  for (const [i, option] of votes) sums[option] += powers[i] as bigint;
  tallyCases.push({
    id: `gov-tally-${id}`,
    description,
    rule: 'GOV-6',
    input: {
      kind,
      maturity: extra.maturity ?? 'baby',
      powers: powers.map(String),
      votes: votes.map(([validator, option]) => ({ validator, option })),
      attested: extra.attested ?? [],
    },
    expected: {
      ok: true,
      status,
      tally: {
        yes: sums.yes.toString(),
        no: sums.no.toString(),
        abstain: sums.abstain.toString(),
        veto: sums.veto.toString(),
        totalPower: powers.reduce((a, b) => a + b, 0n).toString(),
      },
    },
  });
}

const eq3 = [1n, 1n, 1n];
const eq4 = [10n, 10n, 10n, 10n];
tally('no-votes', 'nobody voted', 'param-change', eq4, [], 'no-quorum');
tally(
  'quorum-exactly-third',
  'voted power is exactly a third of the total: no quorum',
  'param-change',
  eq3,
  [[0, 'yes']],
  'no-quorum',
);
tally(
  'quorum-above-third',
  'voted 2 of 5: quorum (3·2 > 5)',
  'param-change',
  [1n, 1n, 1n, 1n, 1n],
  [
    [0, 'yes'],
    [1, 'abstain'],
  ],
  'passed',
);
tally(
  'veto-exactly-third',
  'veto is exactly a third of the voted power: not vetoed; 2 yes > 2 + 0 + 1',
  'param-change',
  eq3,
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'veto'],
  ],
  'passed',
);
tally(
  'veto-above-third',
  'veto 2 of 4 voted',
  'param-change',
  [1n, 1n, 1n, 1n],
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'veto'],
    [3, 'veto'],
  ],
  'vetoed',
);
tally(
  'veto-quarter-upgrade',
  'upgrade: 3 yes and 1 veto of 4: a quarter vetoing is no veto, and 3·3 > 2·4 passes',
  'software-upgrade',
  [1n, 1n, 1n, 1n],
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'yes'],
    [3, 'veto'],
  ],
  'passed',
);
tally(
  'veto-upgrade',
  'an upgrade with 2 yes and 2 veto of 4: vetoed before the yes count matters',
  'software-upgrade',
  [1n, 1n, 1n, 1n],
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'veto'],
    [3, 'veto'],
  ],
  'vetoed',
);
tally(
  'upgrade-exactly-two-thirds',
  'upgrade: yes is exactly two thirds of all power: rejected',
  'software-upgrade',
  eq3,
  [
    [0, 'yes'],
    [1, 'yes'],
  ],
  'rejected',
);
tally(
  'upgrade-all-yes',
  'upgrade: every validator votes yes',
  'software-upgrade',
  eq3,
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'yes'],
  ],
  'passed',
);
tally(
  'upgrade-half-yes',
  'upgrade: 2 of 4 equal validators yes, the others silent',
  'software-upgrade',
  eq4,
  [
    [0, 'yes'],
    [1, 'yes'],
  ],
  'rejected',
);
tally(
  'upgrade-abstain-not-yes',
  'upgrade: 2 yes 2 abstain of 4: two thirds of ALL power are needed',
  'software-upgrade',
  eq4,
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'abstain'],
    [3, 'abstain'],
  ],
  'rejected',
);
tally(
  'upgrade-weighted',
  'upgrade: one validator of power 70 of 100 votes yes',
  'software-upgrade',
  [70n, 20n, 10n],
  [[0, 'yes']],
  'passed',
);
tally(
  'upgrade-weighted-short',
  'upgrade: powers 66 + 1 of 101 yes (3·67 = 201 ≤ 202)',
  'software-upgrade',
  [66n, 1n, 34n],
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'no'],
  ],
  'rejected',
);
tally(
  'params-tie',
  'parameter change: 2 yes 2 no of 4: not a majority',
  'param-change',
  eq4,
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'no'],
    [3, 'no'],
  ],
  'rejected',
);
tally(
  'params-abstain-aside',
  'parameter change: 1 yes 3 abstain: abstain is left out of the majority',
  'param-change',
  [1n, 1n, 1n, 1n],
  [
    [0, 'yes'],
    [1, 'abstain'],
    [2, 'abstain'],
    [3, 'abstain'],
  ],
  'passed',
);
tally(
  'cancel-majority',
  'cancel: 3 yes 2 no',
  'cancel-upgrade',
  [1n, 1n, 1n, 1n, 1n],
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'yes'],
    [3, 'no'],
    [4, 'no'],
  ],
  'passed',
);
tally(
  'grown-up-no-attestations',
  'grown up: unanimous upgrade without attestations',
  'software-upgrade',
  eq3,
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'yes'],
  ],
  'rejected',
  { maturity: 'grown-up' },
);
tally(
  'grown-up-attested-third',
  'grown up: attestations by exactly a third of the power are not enough',
  'software-upgrade',
  eq3,
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'yes'],
  ],
  'rejected',
  { maturity: 'grown-up', attested: [0] },
);
tally(
  'grown-up-attested',
  'grown up: attestations by two of three validators',
  'software-upgrade',
  eq3,
  [
    [0, 'yes'],
    [1, 'yes'],
    [2, 'yes'],
  ],
  'passed',
  { maturity: 'grown-up', attested: [0, 2] },
);
tally(
  'grown-up-params-need-no-attestations',
  'grown up: a parameter change needs no attestations',
  'param-change',
  eq3,
  [
    [0, 'yes'],
    [1, 'yes'],
  ],
  'passed',
  { maturity: 'grown-up' },
);
tally(
  'big-powers',
  'total 2^60, yes one unit above two thirds: 3·yes = 2·total + 1 (a float rounds both alike and rejects)',
  'software-upgrade',
  [768614336404564651n, 384307168202282325n],
  [[0, 'yes']],
  'passed',
);

// --- write ----------------------------------------------------------------------------------------------------------
function write(name: string, runner: string, description: string, cases: Case[]) {
  writeFileSync(join(import.meta.dirname, name), `${JSON.stringify({ runner, description, cases }, null, 2)}\n`);
  console.log(
    `wrote ${cases.length} ${runner} cases (${cases.filter((c) => c.expected['ok'] === false).length} must-reject)`,
  );
}
write(
  'release-manifests.json',
  'release-manifest',
  `REL-4 release manifest verification, in the spec's order (specs/governance.md REL-1..REL-4). Input: the SignedManifest's canonical encoding (hex), the chain id, the plan name, the release version in force, now (Unix ms), the release signer set (hex keys, ascending) and the threshold. Output: the manifest's version. Keys: seed n = SHA-256("babychain release signer n"); the set is keys 0, 1, 2.`,
  manifestCases,
);
write(
  'tally.json',
  'gov-tally',
  `GOV-6 tallies. Input: the proposal kind, the maturity when the tally runs, each validator's voting power, the votes (validator index and option), and the indices of validators that attested the upgrade's release (UPG-7). Output: the status (passed, rejected, vetoed, no-quorum) and the weighted tally.`,
  tallyCases,
);
