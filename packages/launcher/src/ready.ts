/** UPG-6 from the launcher's side: once the release is verified and unpacked, the validator says it is ready. */
import type { BabyClient } from '@babychain/client';
import { addressPrefix, readyBody, sendGovernanceTx } from '@babychain/client';
import { fromHex, toHex } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { type LauncherPaths, readJson } from './layout.ts';

export interface ValidatorKey {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  /** hex, as /upgrade lists ready validators */
  readonly addressHex: string;
  /** bech32m, for the account lookup; undefined when the key file does not carry it */
  readonly address: string | undefined;
}

/** The validator key of the home, undefined on a node that is not a validator. */
export function readValidatorKey(paths: LauncherPaths): ValidatorKey | undefined {
  const file = readJson(paths.validatorKey) as { seed?: unknown; address?: unknown } | undefined;
  if (file === undefined || typeof file.seed !== 'string' || !/^[0-9a-f]{64}$/.test(file.seed)) return undefined;
  const seed = fromHex(file.seed);
  const publicKey = publicKeyFromSeed(seed);
  return {
    seed,
    publicKey,
    addressHex: toHex(addressFromPublicKey(publicKey)),
    address: typeof file.address === 'string' ? file.address : undefined,
  };
}

function genesisPrefix(paths: LauncherPaths): string | undefined {
  const genesis = readJson(paths.genesis) as { addressPrefix?: unknown } | undefined;
  return typeof genesis?.addressPrefix === 'string' ? genesis.addressPrefix : undefined;
}

/** Signs and submits `SignalReady { planName }` with the validator key; resolves with the tx id. */
export async function submitSignalReady(
  client: BabyClient,
  paths: LauncherPaths,
  key: ValidatorKey,
  planName: string,
): Promise<string> {
  const status = await client.status();
  const prefix = key.address === undefined ? genesisPrefix(paths) : addressPrefix(key.address);
  const raw = addressFromPublicKey(key.publicKey);
  const address = key.address ?? (prefix === undefined ? encodeAddress(raw) : encodeAddress(raw, prefix));
  const account = await client.account(address);
  const body = readyBody({
    chainId: status.chainId,
    signerPublicKey: key.publicKey,
    nonce: account.nonce,
    fee: status.params.minFee,
    planName,
  });
  return (await sendGovernanceTx(client, body, key.seed, { wait: false })).id;
}
