/**
 * A release manifest as a console or wallet inspects it (specs/governance.md REL-1, REL-3): decoded, and each
 * signature checked over REL-3's sign bytes with crypto's verification (the browser entry in a bundle), and matched
 * against a release-signer set. It reports rather than refuses: a person needs to see which signature fails and
 * whose key is outside the set; REL-4's verdict, in its order, stays packages/upgrade's `verifyManifest`.
 */
import { bytesEqual, decode, fromHex, manifestSignBytes, toHex } from '@babychain/codec';
import { verifyDetailed } from '@babychain/crypto';

export interface ReleaseArtifactInfo {
  readonly platform: string;
  /** lowercase hex */
  readonly sha256: string;
  readonly size: bigint;
  readonly unpackedSize: bigint;
}

export interface ReleaseManifestInfo {
  readonly chainId: string;
  readonly planName: string;
  readonly version: string;
  readonly expiresMs: bigint;
  readonly sourceCommit: string;
  readonly artifacts: readonly ReleaseArtifactInfo[];
}

export interface ReleaseSignatureInfo {
  /** lowercase hex */
  readonly publicKey: string;
  /** the signature verifies over the manifest's REL-3 sign bytes (SIG-1..SIG-8) */
  readonly valid: boolean;
  /** why it does not verify: a `SIG_` code, or `REL_BAD_MANIFEST` when there is no manifest to sign */
  readonly problem: string | null;
  /** its key is in the signer set given */
  readonly inSignerSet: boolean;
}

export interface ReleaseInspection {
  /** null when the signed manifest carries none */
  readonly manifest: ReleaseManifestInfo | null;
  readonly signatures: readonly ReleaseSignatureInfo[];
  /** how many signatures are both valid and by a key of the set: what REL-4 step 6 counts once all pass */
  readonly validInSet: number;
}

/**
 * Decodes a `SignedManifest` (hex, as `GET /upgrade` gives `plan.manifest`) and reports each signature against
 * `signers` (hex keys, e.g. `plan.decision.releaseSigners`). Bytes that do not decode throw their `CODEC_` error.
 */
export function inspectRelease(signedManifestHex: string, signers: readonly string[]): ReleaseInspection {
  const signed = decode('babychain.v0.SignedManifest', fromHex(signedManifestHex));
  const set = signers.map((k) => fromHex(k));
  const m = signed.manifest;
  const signBytes = m === undefined ? undefined : manifestSignBytes(m);
  const signatures = signed.signatures.map((s): ReleaseSignatureInfo => {
    const result = signBytes === undefined ? undefined : verifyDetailed(s.publicKey, signBytes, s.signature);
    const problem = result === undefined ? 'REL_BAD_MANIFEST' : result.ok ? null : result.reason;
    return {
      publicKey: toHex(s.publicKey),
      valid: problem === null,
      problem,
      inSignerSet: set.some((k) => bytesEqual(k, s.publicKey)),
    };
  });
  return {
    manifest:
      m === undefined
        ? null
        : {
            chainId: m.chainId,
            planName: m.planName,
            version: m.version,
            expiresMs: m.expiresMs,
            sourceCommit: m.sourceCommit,
            artifacts: m.artifacts.map((a) => ({
              platform: a.platform,
              sha256: toHex(a.sha256),
              size: a.size,
              unpackedSize: a.unpackedSize,
            })),
          },
    signatures,
    validInSet: signatures.filter((s) => s.valid && s.inSignerSet).length,
  };
}
