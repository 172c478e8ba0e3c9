/**
 * The browser entry of @babychain/crypto (the `browser` export condition): what a wallet needs, with no `node:`
 * module. The names and signatures are those of `index.ts`, so code written against the default entry bundles
 * unchanged; signing and verification run on @noble/curves (the reference path, same outcomes and codes as the
 * OpenSSL path by the policy tests, same signature bytes since RFC 8032 signing is deterministic). Left out:
 * `verifyFast*` (OpenSSL), the keystore (scrypt + AES-GCM through node:crypto) and the keyring (the file system).
 */
export {
  ADDRESS_LENGTH,
  addressFromPublicKey,
  DEFAULT_ADDRESS_PREFIX,
  decodeAddress,
  encodeAddress,
  MAX_MULTISIG_KEYS,
  multisigAddress,
  sortMultisigKeys,
  validateMultisigKey,
} from './address.ts';
export {
  assertValidSignatureReference as assertValidSignature,
  type Ed25519KeyPair,
  generateKeyPairPortable as generateKeyPair,
  PUBLIC_KEY_LENGTH,
  partyKeyProblem,
  publicKeyFromSeedPortable as publicKeyFromSeed,
  publicKeyProblem,
  SEED_LENGTH,
  SIGNATURE_LENGTH,
  signPortable as sign,
  type VerifyResult,
  verifyReference as verify,
  verifyReferenceDetailed as verifyDetailed,
} from './ed25519-portable.ts';
export { type CryptoError, CryptoErrorCode, type PartyKeyFailure, type SignatureFailure } from './errors.ts';
export {
  accountPath,
  COIN_TYPE,
  type DerivedAccountKey,
  deriveAccountKey,
  generateMnemonic,
  mnemonicToSeed,
  parseDerivationPath,
  type Slip10Node,
  slip10Derive,
  validateMnemonic,
} from './hd.ts';
