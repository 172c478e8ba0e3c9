/** Where artifacts come from (specs/governance.md LCH-3, LCH-4): URL templates and the peer protocol's name. */
import { toHex } from '@babychain/codec';

/** LCH-4: the largest chunk one artifact request may ask for. */
export const MAX_ARTIFACT_CHUNK = 1024 * 1024;

/** LCH-4: the libp2p protocol serving artifacts by content hash, under the chain's `networkName` (P2P-2). */
export function artifactProtocol(network: string): string {
  return `${network}/artifact/1`;
}

/** LCH-3: a plan URL with `{sha256}` replaced by the artifact's lowercase hex digest. */
export function artifactUrl(template: string, sha256: Uint8Array): string {
  return template.replaceAll('{sha256}', toHex(sha256));
}

/** `<os>-<arch>` of this process, as manifests name platforms (REL-1). */
export function currentPlatform(): string {
  return `${process.platform}-${process.arch}`;
}
