/**
 * VAL-5 (specs/validators.md): the proof that whoever names a consensus key holds it, for exactly one entry on
 * exactly one chain. Governance checks it on an `AddValidator`; the genesis ceremony signs and checks the same
 * document.
 */
import { encode, ruleError as fail } from '@babychain/codec';
import { publicKeyFromSeed, sign, verifyDetailed } from '@babychain/crypto';
import { ValidatorErrorCode } from './errors.ts';

/** VAL-5: the sign document's domain. */
export const POSSESSION_SIGN_DOMAIN = 'babychain/possession/v0';

/** The validator entry a proof of possession binds its key to. */
export interface PossessionEntry {
  readonly publicKey: Uint8Array;
  readonly power: bigint;
  readonly name: string;
  /** the 20-byte operator address (VAL-1) */
  readonly operator: Uint8Array;
}

/** VAL-5: the canonical `PossessionSignDoc` of `entry` on `chainId`. */
export function possessionSignBytes(chainId: string, entry: PossessionEntry): Uint8Array {
  return encode('babychain.v0.PossessionSignDoc', {
    domain: POSSESSION_SIGN_DOMAIN,
    chainId,
    publicKey: entry.publicKey,
    power: entry.power,
    name: entry.name,
    operator: entry.operator,
  });
}

/** The proof of possession for the entry whose key `seed` derives (the entry's `publicKey` is that key). */
export function signPossession(
  seed: Uint8Array,
  chainId: string,
  entry: Omit<PossessionEntry, 'publicKey'>,
): Uint8Array {
  return sign(seed, possessionSignBytes(chainId, { ...entry, publicKey: publicKeyFromSeed(seed) }));
}

/** VAL-5: throws `VAL_BAD_POSSESSION` (with the SIG-8 reason) unless `signature` proves the entry's key. */
export function verifyPossession(chainId: string, entry: PossessionEntry, signature: Uint8Array): void {
  const result = verifyDetailed(entry.publicKey, possessionSignBytes(chainId, entry), signature);
  if (!result.ok) {
    throw fail(
      ValidatorErrorCode.BAD_POSSESSION,
      `the proof of possession does not verify under the validator's key: ${result.reason}`,
      'VAL-5',
      { reason: result.reason },
    );
  }
}
