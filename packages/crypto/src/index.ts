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
  assertValidSignature,
  type Ed25519KeyPair,
  generateKeyPair,
  PUBLIC_KEY_LENGTH,
  partyKeyProblem,
  publicKeyFromSeed,
  publicKeyProblem,
  SEED_LENGTH,
  SIGNATURE_LENGTH,
  sign,
  type VerifyResult,
  verify,
  verifyDetailed,
} from './ed25519.ts';
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
export {
  type AddedKey,
  type AddKeyOptions,
  type KeyInfo,
  Keyring,
  type KeyringOptions,
  type MultisigEntryV1,
  normalizeKeyName,
} from './keyring.ts';
export {
  DEFAULT_SCRYPT_PARAMS,
  decryptKeystore,
  type EncryptKeystoreOptions,
  encryptKeystore,
  type KeystoreSecret,
  type KeystoreV1,
  parseKeystore,
  type ScryptParams,
  serializeKeystore,
} from './keystore.ts';
export {
  defaultVerifyWorkers,
  type SignatureSet,
  type SignatureVerifier,
  VerifyPool,
  type VerifyPoolOptions,
  type VerifyPoolStats,
} from './verify-pool.ts';
