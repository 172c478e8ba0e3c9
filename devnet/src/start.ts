// `pnpm start`: prepares the development accounts in .babychain-dev/ and shows a transfer between two of them
// passing every stateless protocol rule. Issue 4 turns this into the 4-validator devnet.
import { join, relative } from 'node:path';
import { signedTransfer } from '@babychain/client';
import { isBabyError, toHex } from '@babychain/codec';
import { DEFAULT_ADDRESS_PREFIX, decodeAddress, Keyring } from '@babychain/crypto';
import { checkTxBytes } from '@babychain/state';

const ROOT = join(import.meta.dirname, '..', '..');
const HOME = join(ROOT, '.babychain-dev');
const CHAIN_ID = 'babychain-dev-1';
const ACCOUNTS = 4;
/** Publicly known: development keys only ever hold development coins. */
const DEV_PASSPHRASE = 'devnet-insecure-passphrase';

const keyring = new Keyring(join(HOME, 'keyring'), { addressPrefix: DEFAULT_ADDRESS_PREFIX });
const existing = new Set(keyring.list().map((k) => k.name));
for (let i = 0; i < ACCOUNTS; i++) {
  const name = `validator-${i}`;
  if (!existing.has(name)) await keyring.add(name, DEV_PASSPHRASE);
}

const where = relative(process.cwd(), HOME) || '.';
console.log(`Babychain development accounts (chain id ${CHAIN_ID}), keyring in ${where}/keyring`);
console.log(`passphrase for all of them: ${DEV_PASSPHRASE}   (development only)\n`);
const accounts = keyring.list().filter((k) => k.name.startsWith('validator-'));
for (const key of accounts) console.log(`  ${key.name.padEnd(12)} ${key.address}`);

const [from, to] = accounts;
if (from === undefined || to === undefined || from.kind !== 'ed25519')
  throw new Error('development keyring is incomplete');
const secret = await keyring.unlock(from.name, DEV_PASSPHRASE);
const txBytes = signedTransfer({
  chainId: CHAIN_ID,
  seed: secret.seed,
  publicKey: secret.publicKey,
  to: decodeAddress(to.address, DEFAULT_ADDRESS_PREFIX),
  amount: 1_000_000n,
  fee: 500n,
  nonce: 0n,
  memo: 'first coins',
});
try {
  const checked = checkTxBytes(txBytes, CHAIN_ID);
  console.log(
    `\nSigned a transfer of 1.000000 BABY from ${from.name} to ${to.name}: ${txBytes.length} bytes, id ${toHex(checked.id)}`,
  );
  console.log('It passes every stateless protocol rule (specs/transactions.md TX-1 to TX-12).');
} catch (err) {
  console.error(
    `the development transfer was rejected: ${isBabyError(err) ? `${err.code} ${err.message}` : String(err)}`,
  );
  process.exitCode = 1;
}
console.log(`
Where to look next:
  pnpm baby keys list --home ${where}      the accounts above
  pnpm vectors                               the protocol test vectors
  specs/README.md                            the protocol
Block production and the 4-validator devnet arrive with the validator node (issue 4); the accounts above are the
ones its genesis will fund.`);
