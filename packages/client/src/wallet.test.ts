import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { decode, fromHex, toHex, txId, txSignBytes } from '@babychain/codec';
import { deriveAccountKey, Keyring, validateMnemonic, verify } from '@babychain/crypto';
import { FakeNode, fakeStatus, rpcError, thrownCode } from '@babychain/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BabyClient } from './client.ts';
import { transferBody } from './transfer.ts';
import { Wallet } from './wallet.ts';

// test-vectors/crypto/hd.json, crypto-mnemonic-12-words-*: BIP-39's "abandon … about" on KEY-2's path.
const ABOUT = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe('Wallet.fromMnemonic', () => {
  it('derives the keys of the HD vectors', () => {
    const wallet = Wallet.fromMnemonic(ABOUT);
    expect(wallet.address).toBe('baby1na8358gft3h3y05qa89gn365zw4uc36trqplme');
    expect(toHex(wallet.publicKey)).toBe('6e2c4832dec33da729a9660062624d73513ffd7b8d3d3536d92f099a8b370319');
    expect(wallet.path).toBe("m/44'/8888'/0'/0'/0'");
    expect(Wallet.fromMnemonic(ABOUT, { account: 1 }).address).toBe('baby1us0wxxsavt40tcsz2u7uzd724t8dthtengkxsl');
    expect(Wallet.fromMnemonic(ABOUT, { bip39Passphrase: 'TREZOR' }).address).toBe(
      'baby1jd3ajjtn0wrw5vq2z3h30y9syg62fdfzs9d2e4',
    );
  });

  it('gives the address the CLI keyring gives the same mnemonic (`baby keys recover`)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'babychain-wallet-'));
    try {
      const keyring = new Keyring(dir, { kdfParams: { n: 2 ** 10, r: 8, p: 1 } });
      for (const account of [0, 7]) {
        const added = await keyring.add(`k${account}`, 'pw', { mnemonic: ABOUT, account });
        const wallet = Wallet.fromMnemonic(ABOUT, { account });
        expect(wallet.address).toBe(added.address);
        expect(added).toMatchObject({ kind: 'ed25519', publicKey: toHex(wallet.publicKey) });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('normalizes the mnemonic as BIP-39 does and shows the address with the chain prefix', () => {
    const wallet = Wallet.fromMnemonic(`  ${ABOUT.toUpperCase().replaceAll(' ', '   ')} `, { prefix: 'tbaby' });
    expect(wallet.address).toMatch(/^tbaby1/);
    expect(wallet.addressBytes).toEqual(Wallet.fromMnemonic(ABOUT).addressBytes);
  });

  it('refuses a bad mnemonic or account with crypto codes', () => {
    expect(thrownCode(() => Wallet.fromMnemonic(ABOUT.replace('about', 'abandon')))).toBe('CRYPTO_BAD_MNEMONIC');
    expect(thrownCode(() => Wallet.fromMnemonic('hello world'))).toBe('CRYPTO_BAD_MNEMONIC');
    expect(thrownCode(() => Wallet.fromMnemonic(ABOUT, { account: -1 }))).toBe('CRYPTO_BAD_DERIVATION_PATH');
  });
});

describe('Wallet.generate', () => {
  it('returns a new mnemonic once, and the wallet it derives', () => {
    const { wallet, mnemonic } = Wallet.generate();
    expect(validateMnemonic(mnemonic).split(' ')).toHaveLength(24);
    expect(Wallet.fromMnemonic(mnemonic).address).toBe(wallet.address);
    expect(Wallet.generate().wallet.address).not.toBe(wallet.address);
    expect(Wallet.generate({ words: 12 }).mnemonic.split(' ')).toHaveLength(12);
    expect(Wallet.generate({ account: 3 }).wallet.path).toBe("m/44'/8888'/3'/0'/0'");
  });

  it('keeps neither the mnemonic nor the seed where logs and JSON can see them', () => {
    const { wallet, mnemonic } = Wallet.generate();
    const seen = `${JSON.stringify(wallet)} ${JSON.stringify({ ...wallet, toJSON: undefined })} ${inspect(wallet)}`;
    expect(seen).not.toContain(mnemonic.split(' ').slice(0, 3).join(' '));
    expect(seen).not.toContain(toHex(deriveAccountKey(mnemonic).seed));
    expect(seen).not.toMatch(/seed/i);
    expect(JSON.parse(JSON.stringify(wallet))).toEqual({ address: wallet.address, publicKey: toHex(wallet.publicKey) });
    expect(Object.keys(wallet).sort()).toEqual(['address', 'addressBytes', 'path', 'publicKey']);
  });
});

describe('Wallet.fromSeed', () => {
  const seed = new Uint8Array(32).fill(42);

  it('takes 32 bytes or 64 hex digits, and copies them', () => {
    const bytes = seed.slice();
    const wallet = Wallet.fromSeed(bytes);
    bytes.fill(0);
    expect(wallet.address).toBe(Wallet.fromSeed(toHex(seed)).address);
    expect(wallet.address).toBe(Wallet.fromSeed(toHex(seed).toUpperCase()).address);
    expect(wallet.path).toBeUndefined();
  });

  it('refuses anything else with CRYPTO_BAD_SEED', () => {
    expect(thrownCode(() => Wallet.fromSeed(new Uint8Array(31)))).toBe('CRYPTO_BAD_SEED');
    expect(thrownCode(() => Wallet.fromSeed('ab'))).toBe('CRYPTO_BAD_SEED');
    expect(thrownCode(() => Wallet.fromSeed(`${toHex(seed).slice(2)}zz`))).toBe('CRYPTO_BAD_SEED');
  });
});

describe('wallet.send and wallet.signBody', () => {
  let node: FakeNode;
  const posted: Uint8Array[] = [];
  const wallet = Wallet.fromMnemonic(ABOUT);
  const to = Wallet.fromSeed(new Uint8Array(32).fill(9));
  // a minimum fee other than the fake node's default, to see that the wallet takes the chain's
  const minFee700 = { minFee: '700', maxBlockBytes: '1048576', maxBlockTxs: 5000 };

  beforeEach(async () => {
    posted.length = 0;
    node = await new FakeNode({
      handler: (r) => {
        if (r.path === '/status') return { json: fakeStatus({ chainId: 'w-1', params: { ...minFee700 } }) };
        if (r.path === `/accounts/${wallet.address}`) {
          return { json: { address: wallet.address, balance: '5000000', nonce: '3', height: '3', multisig: null } };
        }
        if (r.method === 'POST' && r.path === '/txs') {
          const bytes = fromHex((r.body as { tx: string }).tx);
          posted.push(bytes);
          return { json: { id: toHex(txId(bytes)), status: 'pending' } };
        }
        const last = posted.at(-1);
        if (last !== undefined && r.path === `/txs/${toHex(txId(last))}`) {
          return {
            json: { id: toHex(txId(last)), height: '4', index: 0, sender: wallet.address, tx: {}, bytes: toHex(last) },
          };
        }
        return rpcError(404, 'RPC_NOT_FOUND', `no route ${r.path}`);
      },
    }).start();
  });
  afterEach(() => node.close());

  it("sends a transfer signed by the wallet's key, with the chain's minimum fee and the account's nonce", async () => {
    const client = new BabyClient({ url: node.url });
    const sent = await wallet.send(client, { to: to.address, amount: 1_500_000n, memo: 'hi' });
    expect(sent).toMatchObject({ height: 4n, index: 0, fee: 700n, nonce: 3n });
    expect(posted).toHaveLength(1);
    const tx = decode('babychain.v0.Tx', posted[0] as Uint8Array);
    if (tx.body === undefined) throw new Error('no body');
    expect(tx.body).toMatchObject({ chainId: 'w-1', nonce: 3n, fee: 700n, memo: 'hi' });
    expect(tx.body.signer?.key).toEqual({ case: 'ed25519', value: wallet.publicKey });
    expect(tx.body.action).toEqual({ case: 'transfer', value: { to: to.addressBytes, amount: 1_500_000n } });
    expect(verify(wallet.publicKey, txSignBytes(tx.body), tx.signatures[0]?.signature as Uint8Array)).toBe(true);
  });

  it('signs a body for a multisig member', () => {
    const body = transferBody({
      chainId: 'w-1',
      signer: wallet.publicKey,
      to: to.addressBytes,
      amount: 1n,
      fee: 1n,
      nonce: 0n,
    });
    const signature = wallet.signBody(body, 2);
    expect(signature.keyIndex).toBe(2);
    expect(verify(wallet.publicKey, txSignBytes(body), signature.signature)).toBe(true);
  });
});
