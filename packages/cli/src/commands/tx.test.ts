import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTx, fromHex, sha256, toHex, txSignBytes } from '@babychain/codec';
import { decodeAddress, verify } from '@babychain/crypto';
import { FAKE_CHAIN_ID as CHAIN_ID, FakeNode } from '@babychain/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../program.ts';
import { fakeIo } from './io.testutil.ts';

const PASS = 'correct horse battery';

interface Key {
  name: string;
  address: string;
  publicKey: string;
}

describe('baby tx', () => {
  const home = mkdtempSync(join(tmpdir(), 'baby-tx-'));
  const files = mkdtempSync(join(tmpdir(), 'baby-tx-files-'));
  let node: FakeNode;
  const keys: Record<string, Key> = {};
  let treasury: { address: string; publicKeys: string[] };

  async function baby(args: string[], env: Record<string, string> = {}, stdin = '') {
    const io = fakeIo({ BABY_KEYRING_PASSPHRASE: PASS, BABY_NODE: node.url, ...env }, stdin);
    const code = await runCli(['--home', home, ...args], io);
    return { code, out: io.out(), err: io.err() };
  }
  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
  const file = (name: string, text: string) => {
    const path = join(files, name);
    writeFileSync(path, text);
    return path;
  };
  const file_ = (name: string, value: unknown) => file(name, JSON.stringify(value));

  beforeAll(async () => {
    node = await new FakeNode().start();
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      const run = await baby(['keys', 'add', name, '--json']);
      expect(run.code).toBe(0);
      keys[name] = json(run.out) as unknown as Key;
    }
    const ms = await baby(['keys', 'add-multisig', 'treasury', '--threshold', '2', 'alice', 'bob', 'carol', '--json']);
    treasury = json(ms.out) as unknown as typeof treasury;
    await baby(['keys', 'add-multisig', 'other', '--threshold', '2', 'alice', 'bob', 'dave']);
    node.fund(keys['alice']?.address as string, 10_000_000n);
    node.fund(treasury.address, 10_000_000n);
  });

  afterAll(() => node.close());

  beforeEach(() => {
    node.commitDelayMs = 0;
  });

  describe('send', () => {
    it('signs the transfer with the key, waits for its block and prints id, height and fee as JSON', async () => {
      const alice = keys['alice'] as Key;
      const bob = keys['bob'] as Key;
      const run = await baby(['tx', 'send', 'alice', bob.address, '1.5BABY', '--memo', 'lunch', '--json']);
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      const result = json(run.out);
      const submitted = node.submitted.at(-1) as Uint8Array;
      expect(result).toMatchObject({
        id: toHex(sha256(submitted)),
        status: 'committed',
        height: String(node.height),
        index: 0,
        from: alice.address,
        to: bob.address,
        amount: '1500000',
        fee: '500',
        nonce: '0',
        memo: 'lunch',
      });
      const tx = decodeTx(submitted);
      const body = tx.body;
      expect(body?.chainId).toBe(CHAIN_ID);
      expect(body?.signer?.key).toEqual({ case: 'ed25519', value: fromHex(alice.publicKey) });
      expect(body?.action).toEqual({
        case: 'transfer',
        value: { to: decodeAddress(bob.address), amount: 1_500_000n },
      });
      expect(tx.signatures).toHaveLength(1);
      const sig = tx.signatures[0];
      expect(sig?.keyIndex).toBe(0);
      expect(
        verify(fromHex(alice.publicKey), txSignBytes(body as NonNullable<typeof body>), sig?.signature as Uint8Array),
      ).toBe(true);
      expect(node.balance(alice.address)).toBe(10_000_000n - 1_500_000n - 500n);
      expect(node.balance(bob.address)).toBe(1_500_000n);
    });

    it('prints people-readable lines, takes the recipient as a key name and the next nonce from the node', async () => {
      const run = await baby(['tx', 'send', 'alice', 'carol', '2500', '--fee', '0.001BABY']);
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/^id: +[0-9a-f]{64}$/m);
      expect(run.out).toMatch(/^status: +committed$/m);
      expect(run.out).toMatch(/^height: +\d+$/m);
      expect(run.out).toMatch(/^amount: +2500 ubaby \(0\.0025 BABY\)$/m);
      expect(run.out).toMatch(/^fee: +1000 ubaby \(0\.001 BABY\)$/m);
      expect(run.out).toMatch(/^nonce: +1$/m);
      expect(node.balance(keys['carol']?.address as string)).toBe(2500n);
    });

    it('reports progress on stderr while the block is slow to come', async () => {
      node.commitDelayMs = 1700;
      const run = await baby(['tx', 'send', 'alice', 'carol', '1', '--json']);
      expect(run.code).toBe(0);
      expect(run.err).toMatch(/waiting for [0-9a-f]{12}… to be included in a block\.\.\. 1 s/);
      expect(json(run.out)['status']).toBe('committed');
    });

    it('returns after mempool admission with --no-wait', async () => {
      node.commitDelayMs = 60_000;
      const run = await baby(['tx', 'send', 'alice', 'carol', '1', '--no-wait', '--json']);
      expect(run.code).toBe(0);
      const result = json(run.out);
      expect(result['status']).toBe('pending');
      expect(result['height']).toBeUndefined();
    });

    it("surfaces the node's refusal with its code, and nothing changes", async () => {
      const before = node.balance(keys['alice']?.address as string);
      const broke = await baby(['tx', 'send', 'alice', 'bob', '1000BABY']);
      expect(broke.code).toBe(1);
      expect(broke.err).toMatch(/^error TX_INSUFFICIENT_FUNDS: /);
      expect(broke.out).toBe('');
      const reused = await baby(['tx', 'send', 'alice', 'bob', '1', '--nonce', '0', '--json']);
      expect(reused.code).toBe(1);
      expect(JSON.parse(reused.err)).toMatchObject({ error: { code: 'TX_BAD_NONCE' } });
      const cheap = await baby(['tx', 'send', 'alice', 'bob', '1', '--fee', '1']);
      expect(cheap.err).toMatch(/^error TX_FEE_TOO_LOW: /);
      expect(node.balance(keys['alice']?.address as string)).toBe(before);
    });

    it('refuses malformed amounts and addresses before asking for the passphrase', async () => {
      for (const amount of ['1.2345678BABY', '1.5', '-3', '0', '18446744073709551616', '2eth']) {
        const run = await baby(['tx', 'send', 'alice', 'bob', amount], { BABY_KEYRING_PASSPHRASE: '' });
        expect(run.err, amount).toMatch(/^error CLI_BAD_ARGUMENT: /);
      }
      const typo = await baby(['tx', 'send', 'alice', `${keys['bob']?.address.slice(0, -1)}q`, '1']);
      expect(typo.err).toMatch(/^error CRYPTO_BAD_ADDRESS: /);
      const nobody = await baby(['tx', 'send', 'alice', 'nobody', '1']);
      expect(nobody.err).toMatch(/^error CRYPTO_KEY_NOT_FOUND: /);
      const foreign = await baby(['tx', 'send', 'alice', 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu', '1']);
      expect(foreign.err).toMatch(/^error CRYPTO_/);
      const wrongPass = await baby(['tx', 'send', 'alice', 'bob', '1'], { BABY_KEYRING_PASSPHRASE: 'wrong wrong' });
      expect(wrongPass.err).toMatch(/^error CRYPTO_WRONG_PASSPHRASE: /);
    });

    it('says when no node answers', async () => {
      const run = await baby(['tx', 'send', 'alice', 'bob', '1', '--node', 'http://127.0.0.1:9']);
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/^error CLIENT_UNREACHABLE: /);
    });

    it("--dry-run signs and runs the node's check, and submits nothing", async () => {
      const bob = keys['bob'] as Key;
      const alice = keys['alice'] as Key;
      const before = { submitted: node.submitted.length, balance: node.balance(alice.address) };
      const run = await baby(['tx', 'send', 'alice', bob.address, '2', '--dry-run', '--json']);
      expect(run.err).toBe('');
      expect(json(run.out)).toMatchObject({
        status: 'checked, not submitted (dry run)',
        from: alice.address,
        to: bob.address,
      });
      expect(node.checked.length).toBeGreaterThan(0);
      expect([node.submitted.length, node.balance(alice.address)]).toEqual([before.submitted, before.balance]);
      // the check's refusal is the error, with its code
      const broke = await baby(['tx', 'send', 'alice', bob.address, '1000000BABY', '--dry-run']);
      expect(broke.err).toMatch(/^error TX_INSUFFICIENT_FUNDS: /);
      expect(node.submitted.length).toBe(before.submitted);
    });

    it('--generate-only runs offline with --chain-id, --nonce and --fee, and names what is missing without them', async () => {
      const dead = ['--node', 'http://127.0.0.1:9'];
      const bob = keys['bob'] as Key;
      const requests = node.requests.length;
      const generate = (...flags: string[]) =>
        baby(['tx', 'send', 'alice', bob.address, '5', '--generate-only', '--chain-id', CHAIN_ID, ...flags, ...dead]);
      const offline = await generate('--nonce', '7', '--fee', '900');
      expect(offline.err).toBe('');
      expect(json(offline.out)['summary']).toMatchObject({
        chainId: CHAIN_ID,
        nonce: '7',
        fee: '900',
        to: bob.address,
      });
      const missing = await generate();
      expect(missing.err).toMatch(/^error CLI_OFFLINE_MISSING: .*missing --nonce, --fee$/m);
      expect(node.requests.length).toBe(requests);
    });

    it('prints the same fields as query tx prints of the committed transaction', async () => {
      const bob = keys['bob'] as Key;
      const sent = json((await baby(['tx', 'send', 'alice', bob.address, '3', '--memo', 'same', '--json'])).out);
      const queried = json((await baby(['query', 'tx', String(sent['id']), '--json'])).out);
      const { status: _, ...fields } = sent;
      expect(queried).toMatchObject(fields);
      const human = await baby(['query', 'tx', String(sent['id'])]);
      for (const label of ['from:', 'to:', 'amount:', 'fee:', 'nonce:', 'memo:']) expect(human.out).toContain(label);
    });

    it('refuses to sign for a multisig key online', async () => {
      const run = await baby(['tx', 'send', 'treasury', 'dave', '1']);
      expect(run.err).toMatch(/^error CLI_MULTISIG_OFFLINE: .*--generate-only/);
    });
  });

  describe('multisig: generate-only, sign, multisign, broadcast', () => {
    let unsigned: string;
    let sigA: string;
    let sigB: string;

    beforeAll(async () => {
      const gen = await baby(['tx', 'send', 'treasury', 'dave', '3BABY', '--generate-only']);
      expect(gen.err).toBe('');
      unsigned = file('unsigned.json', gen.out);
      sigA = file(
        'sig-a.json',
        (await baby(['tx', 'sign', unsigned, '--from', 'alice', '--multisig', 'treasury'])).out,
      );
      sigB = file('sig-b.json', (await baby(['tx', 'sign', unsigned, '--from', 'bob', '--multisig', 'treasury'])).out);
    });

    it('writes the unsigned body as canonical JSON with the nonce from the node, and its summary beside it', () => {
      const file = json(readFileSync(unsigned, 'utf8'));
      const body = file['body'] as Record<string, unknown>;
      expect(body).toMatchObject({ chainId: CHAIN_ID, nonce: '0', fee: '500' });
      expect(body['signer']).toEqual({
        key: { case: 'multisig', value: { threshold: 2, publicKeys: treasury.publicKeys } },
      });
      // the recipient a member checks by eye, beside the 20 raw bytes that get signed
      const dave = keys['dave'] as Key;
      expect(file['summary']).toEqual({
        chainId: CHAIN_ID,
        from: treasury.address,
        action: 'transfer',
        to: dave.address,
        amount: '3000000',
        fee: '500',
        nonce: '0',
      });
      expect((body['action'] as { value: { to: string } }).value.to).toBe(toHex(decodeAddress(dave.address)));
    });

    it('refuses to sign a body whose summary says something else, naming the field', async () => {
      const written = json(readFileSync(unsigned, 'utf8'));
      const lying = { ...written, summary: { ...(written['summary'] as object), to: keys['alice']?.address } };
      const run = await baby(['tx', 'sign', file_('lying.json', lying), '--from', 'alice', '--multisig', 'treasury']);
      expect(run.err).toMatch(/^error CLI_BAD_FILE: .*the summary does not say what the body does \(to: /);
      expect(run.out).toBe('');
      // a second "body" after the first (JSON.parse keeps the last): the summary check sees the body that would be signed
      const body = written['body'] as Record<string, unknown>;
      const other = {
        ...body,
        action: { case: 'transfer', value: { to: toHex(new Uint8Array(20).fill(1)), amount: '1' } },
      };
      const text = `{"body": ${JSON.stringify(body)}, "summary": ${JSON.stringify(written['summary'])}, "body": ${JSON.stringify(other)}}`;
      const twice = await baby(['tx', 'sign', file('twice.json', text), '--from', 'alice', '--multisig', 'treasury']);
      expect(twice.err).toMatch(/^error CLI_BAD_FILE: .*\(to: .*amount: /);
    });

    it("signs with each member's position in the multisig key", () => {
      const a = json(readFileSync(sigA, 'utf8'));
      const b = json(readFileSync(sigB, 'utf8'));
      expect(a['keyIndex']).toBe(treasury.publicKeys.indexOf(keys['alice']?.publicKey as string));
      expect(b['keyIndex']).toBe(treasury.publicKeys.indexOf(keys['bob']?.publicKey as string));
      expect(a['signature']).toMatch(/^[0-9a-f]{128}$/);
    });

    it('refuses a signer outside the key, a body for another key or chain, and a malformed file', async () => {
      const dave = await baby(['tx', 'sign', unsigned, '--from', 'dave', '--multisig', 'treasury']);
      expect(dave.err).toMatch(/^error CLI_NOT_A_MEMBER: /);
      const other = await baby(['tx', 'sign', unsigned, '--from', 'alice', '--multisig', 'other']);
      expect(other.err).toMatch(/^error CLI_WRONG_SIGNER: /);
      const single = await baby(['tx', 'sign', unsigned, '--from', 'alice']);
      expect(single.err).toMatch(/^error CLI_WRONG_SIGNER: /);
      // a bare body (as written before the summary existed) is still read
      const foreign = file(
        'foreign.json',
        JSON.stringify({ ...(json(readFileSync(unsigned, 'utf8'))['body'] as object), chainId: 'another-chain' }),
      );
      const wrongChain = await baby(['tx', 'sign', foreign, '--from', 'alice', '--multisig', 'treasury']);
      expect(wrongChain.err).toMatch(/^error CLI_WRONG_CHAIN: .*another-chain/);
      const offlineCheck = await baby([
        'tx',
        'sign',
        unsigned,
        '--from',
        'alice',
        '--multisig',
        'treasury',
        '--chain-id',
        'another-chain',
        '--node',
        'http://127.0.0.1:9',
      ]);
      expect(offlineCheck.err).toMatch(/^error CLI_WRONG_CHAIN: /);
      const garbage = await baby(['tx', 'sign', file('garbage.json', '{"chainId": 5}'), '--from', 'alice']);
      expect(garbage.err).toMatch(/^error CLI_BAD_FILE: /);
    });

    it('refuses too few, duplicated, foreign or unverifiable signatures', async () => {
      const few = await baby(['tx', 'multisign', unsigned, 'treasury', sigA]);
      expect(few.err).toMatch(/^error CLI_TOO_FEW_SIGNATURES: .*needs 2 signatures, 1 given/);
      const twice = await baby(['tx', 'multisign', unsigned, 'treasury', sigA, sigA]);
      expect(twice.err).toMatch(/^error CLI_DUPLICATE_SIGNATURE: /);
      const wrongKey = await baby(['tx', 'multisign', unsigned, 'other', sigA, sigB]);
      expect(wrongKey.err).toMatch(/^error CLI_WRONG_SIGNER: /);
      // a signature of another body (a different amount) by a real member
      const gen2 = await baby(['tx', 'send', 'treasury', 'dave', '4BABY', '--generate-only']);
      const unsigned2 = file('unsigned2.json', gen2.out);
      const sigC2 = file(
        'sig-c2.json',
        (await baby(['tx', 'sign', unsigned2, '--from', 'carol', '--multisig', 'treasury'])).out,
      );
      const mixed = await baby(['tx', 'multisign', unsigned, 'treasury', sigA, sigC2]);
      expect(mixed.err).toMatch(/^error CLI_BAD_SIGNATURE: .*sig-c2\.json/);
      const a = json(readFileSync(sigA, 'utf8'));
      const outside = file('outside.json', JSON.stringify({ ...a, keyIndex: 7 }));
      expect((await baby(['tx', 'multisign', unsigned, 'treasury', sigB, outside])).err).toMatch(
        /^error CLI_BAD_SIGNATURE: /,
      );
      expect(node.balance(keys['dave']?.address as string)).toBe(0n);
    });

    it('assembles a transaction whose signatures verify, and broadcasts it', async () => {
      const multi = await baby(['tx', 'multisign', unsigned, 'treasury', sigB, sigA]);
      expect(multi.err).toBe('');
      const signed = json(multi.out) as { tx: string; id: string };
      const bytes = fromHex(signed.tx);
      expect(signed.id).toBe(toHex(sha256(bytes)));
      const tx = decodeTx(bytes);
      const signBytes = txSignBytes(tx.body as NonNullable<typeof tx.body>);
      expect(tx.signatures.map((s) => s.keyIndex)).toEqual(
        [...tx.signatures.map((s) => s.keyIndex)].sort((x, y) => x - y),
      );
      for (const s of tx.signatures) {
        expect(verify(fromHex(treasury.publicKeys[s.keyIndex] as string), signBytes, s.signature)).toBe(true);
      }
      const signedFile = file('signed.json', multi.out);
      const sent = await baby(['tx', 'broadcast', signedFile, '--json']);
      expect(sent.err).toBe('');
      expect(json(sent.out)).toMatchObject({ id: signed.id, status: 'committed', amount: '3000000', fee: '500' });
      expect(node.balance(keys['dave']?.address as string)).toBe(3_000_000n);
      expect(node.balance(treasury.address)).toBe(10_000_000n - 3_000_000n - 500n);
      const again = await baby(['tx', 'broadcast', signedFile, '--mode', 'sync']);
      expect(again.err).toMatch(/^error TX_BAD_NONCE: /);
    });

    it('signs and broadcasts a single-key body offline too', async () => {
      const gen = await baby(['tx', 'send', 'carol', 'alice', '100', '--generate-only']);
      const body = file('carol-unsigned.json', gen.out);
      const signed = await baby(['tx', 'sign', body, '--from', 'carol']);
      // before the passphrase: what gets signed, read from the body
      expect(signed.err).toMatch(new RegExp(`^to: +${keys['alice']?.address}$`, 'm'));
      expect(signed.err).toMatch(/^amount: +100 ubaby/m);
      const sent = await baby(['tx', 'broadcast', '-', '--mode', 'sync', '--json'], {}, signed.out);
      expect(json(sent.out)['status']).toBe('pending');
    });
  });
});
