/**
 * REL-3's sign document, here rather than in packages/upgrade so that a browser (the console, through the client)
 * computes the very bytes consensus and launchers verify release signatures against.
 */
import { encode } from './codec.ts';
import type { ReleaseManifest } from './generated/types.ts';

/** REL-3 */
export const RELEASE_SIGN_DOMAIN = 'babychain/release/v0';

/** REL-3: the bytes a release signer signs. */
export function manifestSignBytes(manifest: ReleaseManifest): Uint8Array {
  return encode('babychain.v0.ManifestSignDoc', { domain: RELEASE_SIGN_DOMAIN, manifest });
}
