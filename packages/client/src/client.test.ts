import { BabyError, blockHash, create, isBabyError, toHex, toJson, txId } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { FAKE_GOV_PARAMS, FAKE_GOV_RULES, FakeNode, fakeStatus, rpcError } from '@babychain/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BabyClient } from './client.ts';
import { signedTransfer } from './transfer.ts';

const seed = new Uint8Array(32).fill(7);
const publicKey = publicKeyFromSeed(seed);
const sender = encodeAddress(addressFromPublicKey(publicKey));
const recipient = addressFromPublicKey(publicKeyFromSeed(new Uint8Array(32).fill(9)));
const txBytes = signedTransfer({ chainId: 'c-1', seed, publicKey, to: recipient, amount: 5n, fee: 500n, nonce: 3n });
const txIdHex = toHex(txId(txBytes));

const statusJson = fakeStatus({
  chainId: 'c-1',
  moniker: 'v0',
  version: '0.1.0',
  nodeId: '12D3KooWabc',
  height: '18446744073709551615',
  lastBlockHash: 'ab'.repeat(32),
  appHash: 'cd'.repeat(32),
  lastBlockTimeMs: '1700000000000',
  peers: 3,
  peerIds: ['p1', 'p2', 'p3'],
  validator: { index: 1, address: sender, power: '10' },
  blockTimeMs: { p50: 1000, p99: 1200, samples: 40 },
  mempool: { txs: 2, bytes: 400 },
});

const header = create('babychain.v0.Header', {
  version: 1,
  chainId: 'c-1',
  height: 7n,
  timeMs: 1_700_000_000_000n,
  lastBlockHash: new Uint8Array(32).fill(1),
  txRoot: new Uint8Array(32).fill(2),
  proposerAddress: recipient,
});
const commit = create('babychain.v0.Commit', {
  height: 7n,
  round: 1,
  blockHash: blockHash(header),
  signatures: [{ validatorIndex: 0, timeMs: 5n, signature: new Uint8Array(64).fill(3) }],
});
const blockJson = {
  height: '7',
  hash: toHex(blockHash(header)),
  header: toJson('babychain.v0.Header', header),
  txIds: [txIdHex],
  txs: [toHex(txBytes)],
  commit: toJson('babychain.v0.Commit', commit),
  evidence: [],
};

const txJson = {
  id: txIdHex,
  height: '7',
  index: 0,
  sender,
  tx: {},
  bytes: toHex(txBytes),
};

const tally = (yes: string) => ({ yes, no: '0', abstain: '0', veto: '0', totalPower: '40' });
const upgradeJson = {
  chainId: 'c-1',
  height: '33',
  nodeVersion: '0.1.0',
  handlers: ['v2'],
  governance: {
    maturity: 'baby',
    appVersion: 1,
    version: '0.1.0',
    versionInForce: '0.1.0',
    releaseSigners: ['07'.repeat(32)],
    releaseThreshold: 1,
    plan: {
      name: 'v3',
      height: '120',
      appVersion: 2,
      version: '0.3.0',
      manifest: '0a0b',
      urls: ['https://example.org/{sha256}'],
      artifacts: [{ platform: 'linux-x64', sha256: '03'.repeat(32), size: '1000' }],
      decision: {
        height: '100',
        timeMs: '1700000000000',
        versionInForce: '0.1.0',
        releaseSigners: ['07'.repeat(32)],
        releaseThreshold: 1,
      },
    },
    ready: { validators: ['04'.repeat(20)], power: '10', totalPower: '40' },
    attestations: [{ planName: 'v3', validator: '05'.repeat(20), platform: 'linux-x64', sha256: '03'.repeat(32) }],
    proposals: [
      {
        id: '4',
        title: 'cancel v3',
        kind: 'cancel-upgrade',
        proposer: '06'.repeat(20),
        deposit: '10000000',
        submitHeight: '30',
        votingEndHeight: '50',
        planName: 'v3',
        tally: tally('10'),
      },
      {
        id: '5',
        title: 'cheaper',
        kind: 'param-change',
        proposer: '06'.repeat(20),
        deposit: '10000000',
        submitHeight: '31',
        votingEndHeight: '51',
        content: { case: 'paramChange', value: { params: { minFee: '250' }, govParams: null, maturity: 0 } },
        tally: tally('0'),
      },
    ],
    results: [{ id: '3', title: 'v3', status: 'passed', tally: tally('40'), endHeight: '29', reason: '' }],
    applied: [{ name: 'v2', height: '20', appVersion: 1, version: '0.1.0' }],
    params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000 },
    govParams: FAKE_GOV_PARAMS,
    rules: FAKE_GOV_RULES,
  },
};

async function rejection(p: Promise<unknown>): Promise<BabyError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof BabyError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('BabyClient', () => {
  let node: FakeNode;
  let client: BabyClient;

  beforeEach(async () => {
    node = await new FakeNode({ handler: () => rpcError(404, 'RPC_NOT_FOUND', 'no route') }).start();
    client = new BabyClient({ url: `${node.url}/`, timeoutMs: 2000 });
  });
  afterEach(() => node.close());

  describe('queries', () => {
    it('reads the status with uint64 fields as bigint', async () => {
      node.handler = (r) => (r.path === '/status' ? { json: statusJson } : rpcError(404, 'RPC_NOT_FOUND', 'x'));
      const status = await client.status();
      expect(status.height).toBe(2n ** 64n - 1n);
      expect(status.lastBlockTimeMs).toBe(1_700_000_000_000n);
      expect(status.validator).toEqual({ index: 1, address: sender, power: 10n });
      expect(status.finalityMs).toEqual({ p50: null, p99: null, samples: 0 });
      expect(status.mempool).toEqual({ txs: 2, bytes: 400 });
      expect(node.requests).toEqual([{ method: 'GET', path: '/status', body: undefined }]);
    });

    it('leaves out the fields a newer node adds, so that an older client keeps working', async () => {
      node.handler = () => ({
        json: {
          ...statusJson,
          shardCount: 4,
          params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000, maxGas: '9' },
        },
      });
      const status = await client.status();
      expect(status).not.toHaveProperty('shardCount');
      expect(status.params).toEqual({ minFee: 500n, maxBlockBytes: 1_048_576n, maxBlockTxs: 5000 });
    });

    it('reads the app version and the scheduled upgrade from the status, and their absence from an older node', async () => {
      const upgrade = { name: 'v2', height: '120', version: '0.2.0', readyPower: '30', totalPower: '40' };
      node.handler = () => ({ json: { ...statusJson, appVersion: 1, upgrade } });
      const status = await client.status();
      expect(status.appVersion).toBe(1);
      expect(status.upgrade).toEqual({ name: 'v2', height: 120n, version: '0.2.0', readyPower: 30n, totalPower: 40n });
      node.handler = () => ({ json: { ...statusJson, appVersion: 0, upgrade: null } });
      expect(await client.status()).toMatchObject({ appVersion: 0, upgrade: null });
      node.handler = () => ({ json: statusJson });
      expect(await client.status()).toMatchObject({ appVersion: 0, upgrade: null });
      node.handler = () => ({ json: { ...statusJson, appVersion: 1, upgrade: { ...upgrade, readyPower: 30 } } });
      expect(await client.status()).toMatchObject({ upgrade: { readyPower: 30n } });
      node.handler = () => ({ json: { ...statusJson, appVersion: -1, upgrade: null } });
      expect((await rejection(client.status())).meta['path']).toBe('status.appVersion');
      node.handler = () => ({ json: { ...statusJson, appVersion: 1, upgrade: { ...upgrade, height: 'soon' } } });
      expect((await rejection(client.status())).meta['path']).toBe('status.upgrade.height');
    });

    it('reads GET /upgrade with uint64 fields as bigint and hex kept as hex', async () => {
      node.handler = (r) => (r.path === '/upgrade' ? { json: upgradeJson } : rpcError(404, 'RPC_NOT_FOUND', 'x'));
      const info = await client.upgrade();
      expect(node.requests).toEqual([{ method: 'GET', path: '/upgrade', body: undefined }]);
      expect(info).toEqual({
        chainId: 'c-1',
        height: 33n,
        nodeVersion: '0.1.0',
        handlers: ['v2'],
        governance: {
          maturity: 'baby',
          appVersion: 1,
          version: '0.1.0',
          versionInForce: '0.1.0',
          releaseSigners: ['07'.repeat(32)],
          releaseThreshold: 1,
          plan: {
            name: 'v3',
            height: 120n,
            appVersion: 2,
            version: '0.3.0',
            manifest: '0a0b',
            urls: ['https://example.org/{sha256}'],
            artifacts: [{ platform: 'linux-x64', sha256: '03'.repeat(32), size: 1000n }],
            decision: {
              height: 100n,
              timeMs: 1_700_000_000_000n,
              versionInForce: '0.1.0',
              releaseSigners: ['07'.repeat(32)],
              releaseThreshold: 1,
            },
          },
          ready: { validators: ['04'.repeat(20)], power: 10n, totalPower: 40n },
          attestations: [
            { planName: 'v3', validator: '05'.repeat(20), platform: 'linux-x64', sha256: '03'.repeat(32) },
          ],
          proposals: [
            {
              id: 4n,
              title: 'cancel v3',
              kind: 'cancel-upgrade',
              proposer: '06'.repeat(20),
              deposit: 10_000_000n,
              submitHeight: 30n,
              votingEndHeight: 50n,
              planName: 'v3',
              tally: { yes: 10n, no: 0n, abstain: 0n, veto: 0n, totalPower: 40n },
            },
            {
              id: 5n,
              title: 'cheaper',
              kind: 'param-change',
              proposer: '06'.repeat(20),
              deposit: 10_000_000n,
              submitHeight: 31n,
              votingEndHeight: 51n,
              // RPC-18: the content's canonical JSON, handed on as the node sent it
              content: { case: 'paramChange', value: { params: { minFee: '250' }, govParams: null, maturity: 0 } },
              tally: { yes: 0n, no: 0n, abstain: 0n, veto: 0n, totalPower: 40n },
            },
          ],
          results: [
            {
              id: 3n,
              title: 'v3',
              status: 'passed',
              tally: { yes: 40n, no: 0n, abstain: 0n, veto: 0n, totalPower: 40n },
              endHeight: 29n,
              reason: '',
            },
          ],
          applied: [{ name: 'v2', height: 20n, appVersion: 1, version: '0.1.0' }],
          params: { minFee: 500n, maxBlockBytes: 1_048_576n, maxBlockTxs: 5000 },
          govParams: {
            minDeposit: 10_000_000n,
            babyVotingPeriod: 20n,
            grownUpVotingPeriod: 2000n,
            babyUpgradeDelay: 5n,
            grownUpUpgradeDelay: 200n,
          },
          rules: FAKE_GOV_RULES,
        },
      });
      expect(info.governance.proposals[1]).not.toHaveProperty('planName');
      node.handler = () => ({ json: { ...upgradeJson, governance: { ...upgradeJson.governance, plan: null } } });
      expect((await client.upgrade()).governance.plan).toBeNull();
    });

    it('refuses an /upgrade answer of the wrong shape, naming the field', async () => {
      const g = upgradeJson.governance;
      const cases: [unknown, string][] = [
        [{ ...g, maturity: 'teen' }, 'upgrade.governance.maturity'],
        [{ ...g, releaseSigners: ['07'] }, 'upgrade.governance.releaseSigners[0]'],
        [{ ...g, ready: { ...g.ready, power: '-1' } }, 'upgrade.governance.ready.power'],
        [{ ...g, proposals: [{ ...g.proposals[0], kind: 'coup' }] }, 'upgrade.governance.proposals[0].kind'],
        [{ ...g, results: [{ ...g.results[0], status: 'won' }] }, 'upgrade.governance.results[0].status'],
        [{ ...g, plan: { ...g.plan, manifest: 'XY' } }, 'upgrade.governance.plan.manifest'],
        [
          { ...g, plan: { ...g.plan, decision: { ...g.plan.decision, timeMs: '1.5' } } },
          'upgrade.governance.plan.decision.timeMs',
        ],
        [{ ...g, govParams: { ...g.govParams, minDeposit: undefined } }, 'upgrade.governance.govParams.minDeposit'],
      ];
      for (const [governance, path] of cases) {
        node.handler = () => ({ json: { ...upgradeJson, governance } });
        const err = await rejection(client.upgrade());
        expect(err.code, path).toBe('CLIENT_BAD_RESPONSE');
        expect(err.meta['path']).toBe(path);
      }
      node.handler = () => rpcError(404, 'RPC_NOT_FOUND', 'no route');
      expect((await rejection(client.upgrade())).code).toBe('RPC_NOT_FOUND');
    });

    it('reads an account, with its multisig key when it has one', async () => {
      const keys = ['11'.repeat(32), '22'.repeat(32)];
      node.handler = () => ({
        json: {
          address: sender,
          balance: '1000',
          nonce: '4',
          height: '9',
          multisig: { threshold: 2, publicKeys: keys },
        },
      });
      const account = await client.account(sender);
      expect(node.requests[0]?.path).toBe(`/accounts/${sender}`);
      expect(account).toEqual({
        address: sender,
        balance: 1000n,
        nonce: 4n,
        height: 9n,
        multisig: { threshold: 2, publicKeys: [new Uint8Array(32).fill(0x11), new Uint8Array(32).fill(0x22)] },
      });
      node.handler = () => ({ json: { address: sender, balance: '0', nonce: '0', height: '9', multisig: null } });
      expect((await client.account(sender)).multisig).toBeNull();
    });

    it('reads a block by height, latest and hash, decoding the header, txs and commit', async () => {
      node.handler = () => ({ json: blockJson });
      const block = await client.block(7n);
      expect(block.height).toBe(7n);
      expect(block.header).toEqual(header);
      expect(block.txs).toEqual([txBytes]);
      expect(block.commit).toEqual(commit);
      await client.block('latest');
      await client.blockByHash(blockJson.hash.toUpperCase());
      expect(node.requests.map((r) => r.path)).toEqual([
        '/blocks/7',
        '/blocks/latest',
        `/blocks/hash/${blockJson.hash}`,
      ]);
      node.handler = () => ({ json: { ...blockJson, commit: null } });
      expect((await client.block(7n)).commit).toBeNull();
    });

    it('refuses evidence the header does not commit to (BLK-11)', async () => {
      const vote = { type: 1, height: 6n, round: 0, timeMs: 5n, validatorIndex: 0, signature: new Uint8Array(64) };
      const evidence = toJson('babychain.v0.DuplicateVoteEvidence', {
        voteA: { ...vote, blockHash: new Uint8Array(0) },
        voteB: { ...vote, blockHash: new Uint8Array(32).fill(1) },
      });
      node.handler = () => ({ json: { ...blockJson, evidence: [evidence] } });
      expect((await rejection(client.block(7n))).meta['path']).toBe('block.evidence');
    });

    it('refuses a block whose hash or tx ids do not match its content', async () => {
      node.handler = () => ({ json: { ...blockJson, hash: '00'.repeat(32) } });
      expect((await rejection(client.block(7n))).meta['path']).toBe('block.hash');
      node.handler = () => ({ json: { ...blockJson, txIds: ['00'.repeat(32)] } });
      expect((await rejection(client.block(7n))).code).toBe('CLIENT_BAD_RESPONSE');
      node.handler = () => ({ json: { ...blockJson, header: { height: 'seven' } } });
      const err = await rejection(client.block(7n));
      expect(err.code).toBe('CLIENT_BAD_RESPONSE');
      expect(err.meta['reason']).toBe('CODEC_INVALID_VALUE');
    });

    it('reads block summaries over a range', async () => {
      node.handler = () => ({
        json: {
          blocks: [{ height: '1', hash: 'aa'.repeat(32), appHash: 'bb', timeMs: '5', txs: 2, proposer: sender }],
        },
      });
      expect(await client.blocks(1n, 3n)).toEqual([
        { height: 1n, hash: 'aa'.repeat(32), appHash: 'bb', timeMs: 5n, txs: 2, proposer: sender },
      ]);
      expect(node.requests[0]?.path).toBe('/blocks?from=1&to=3');
    });

    it('reads a committed transaction and returns null for an unknown or pending one', async () => {
      node.handler = () => ({ json: txJson });
      const info = await client.tx(txIdHex);
      expect(info?.height).toBe(7n);
      expect(info?.tx.body?.nonce).toBe(3n);
      expect(info?.bytes).toEqual(txBytes);
      node.handler = () => rpcError(404, 'RPC_NOT_FOUND', 'not committed yet', { pending: true });
      expect(await client.tx(txIdHex)).toBeNull();
      node.handler = () => ({ json: { ...txJson, id: '00'.repeat(32) } });
      expect((await rejection(client.tx(txIdHex))).meta['path']).toBe('tx.bytes');
    });

    it("pages an account's transactions with the node's cursor, each checked against its bytes (RPC-16)", async () => {
      node.handler = () => ({
        json: { address: sender, txs: [{ ...txJson, direction: 'received' }], next: '7-0' },
      });
      const page = await client.accountTxs(sender, { limit: 1, cursor: '9-2' });
      expect(page).toMatchObject({ address: sender, next: '7-0' });
      expect(page.txs[0]).toMatchObject({ id: txIdHex, height: 7n, direction: 'received', bytes: txBytes });
      expect(node.requests.at(-1)?.path).toBe(`/accounts/${sender}/txs?limit=1&cursor=9-2`);
      node.handler = () => ({ json: { address: sender, txs: [{ ...txJson, direction: 'both' }], next: null } });
      expect((await rejection(client.accountTxs(sender))).meta['path']).toBe('account_txs.txs.0.direction');
      node.handler = () => ({
        json: { address: sender, txs: [{ ...txJson, id: '00'.repeat(32), direction: 'sent' }], next: null },
      });
      expect((await rejection(client.accountTxs(sender))).meta['path']).toBe('account_txs.txs.0.bytes');
    });

    it('reads who signed the last blocks (RPC-17)', async () => {
      const row = { publicKey: toHex(publicKey), address: sender, name: 'v0', inSet: true, signed: 9, missed: 1 };
      node.handler = () => ({ json: { from: '1', to: '10', validators: [{ ...row, proposed: 3 }] } });
      const signing = await client.validatorSigning(10);
      expect(signing).toMatchObject({
        from: 1n,
        to: 10n,
        validators: [{ publicKey, signed: 9, missed: 1, proposed: 3 }],
      });
      expect(node.requests.at(-1)?.path).toBe('/validators/signing?blocks=10');
    });

    it('reads validators and mempool stats', async () => {
      node.handler = (r) =>
        r.path === '/validators'
          ? {
              json: {
                height: '3',
                totalPower: '40',
                validators: [
                  { index: 0, name: 'v0', address: sender, publicKey: toHex(publicKey), power: '10', operator: sender },
                ],
                jailed: [
                  {
                    publicKey: toHex(publicKey),
                    address: sender,
                    evidenceHeight: '1',
                    jailedHeight: '2',
                    name: null,
                    power: null,
                    operator: null,
                  },
                ],
              },
            }
          : { json: { pendingTxs: 1, pendingBytes: 200, queuedTxs: 0, queuedBytes: 0, senders: 1 } };
      const v = await client.validators();
      expect(v.totalPower).toBe(40n);
      expect(v.validators[0]?.publicKey).toEqual(publicKey);
      expect(v.validators[0]?.operator).toEqual(v.validators[0]?.address);
      expect(v.jailed[0]).toMatchObject({ publicKey, evidenceHeight: 1n, jailedHeight: 2n, power: null });
      expect(await client.mempool()).toEqual({
        pendingTxs: 1,
        pendingBytes: 200,
        queuedTxs: 0,
        queuedBytes: 0,
        senders: 1,
      });
    });
  });

  describe('submit and check', () => {
    it('posts the hex bytes with the mode and reads each mode answer', async () => {
      node.handler = (r) => {
        const mode = (r.body as { mode: string }).mode;
        if (mode === 'async') return { json: { id: txIdHex } };
        if (mode === 'sync') return { json: { id: txIdHex, status: 'queued' } };
        return { json: { id: txIdHex, height: '12', index: 3 } };
      };
      expect(await client.submit(txBytes, 'async')).toEqual({ id: txIdHex });
      expect(await client.submit(txBytes)).toEqual({ id: txIdHex, status: 'queued' });
      expect(await client.submit(txBytes, 'commit')).toEqual({ id: txIdHex, height: 12n, index: 3 });
      expect(node.requests[1]).toEqual({ method: 'POST', path: '/txs', body: { tx: toHex(txBytes), mode: 'sync' } });
    });

    it('refuses an answer whose id is not the hash of the submitted bytes', async () => {
      node.handler = () => ({ json: { id: '00'.repeat(32), status: 'pending' } });
      const err = await rejection(client.submit(txBytes));
      expect(err.code).toBe('CLIENT_BAD_RESPONSE');
      expect(err.meta['path']).toBe('submit.id');
    });

    it('submits a batch with one request and reads one entry per transaction, refusals included', async () => {
      const other = signedTransfer({
        chainId: 'c-1',
        seed,
        publicKey,
        to: recipient,
        amount: 6n,
        fee: 500n,
        nonce: 4n,
      });
      const otherId = toHex(txId(other));
      node.handler = () => ({
        json: {
          results: [
            { id: txIdHex, status: 'pending' },
            { id: otherId, error: { code: 'TX_BAD_NONCE', message: 'a gap' } },
          ],
        },
      });
      expect(await client.submitBatch([txBytes, other])).toEqual([
        { id: txIdHex, status: 'pending' },
        { id: otherId, error: { code: 'TX_BAD_NONCE', message: 'a gap' } },
      ]);
      expect(node.requests[0]).toEqual({
        method: 'POST',
        path: '/txs/batch',
        body: { txs: [toHex(txBytes), toHex(other)] },
      });
      node.handler = () => ({ json: { results: [{ id: txIdHex, status: 'pending' }] } });
      expect((await rejection(client.submitBatch([txBytes, other]))).code).toBe('CLIENT_BAD_RESPONSE');
    });

    it('simulates with POST /txs/check', async () => {
      node.handler = () => ({ json: { id: txIdHex, sender, fee: '500', nonce: '3', accountNonce: '3' } });
      expect(await client.check(txBytes)).toEqual({ id: txIdHex, sender, fee: 500n, nonce: 3n, accountNonce: 3n });
      expect(node.requests[0]).toEqual({ method: 'POST', path: '/txs/check', body: { tx: toHex(txBytes) } });
    });
  });

  describe('errors', () => {
    it("turns the node's error answer into a BabyError with the node's code, message and meta", async () => {
      node.handler = () => rpcError(400, 'TX_BAD_NONCE', 'nonce 3, expected 4', { expected: '4', got: '3' });
      const err = await rejection(client.submit(txBytes));
      expect(isBabyError(err, 'TX_BAD_NONCE')).toBe(true);
      expect(err.message).toBe('nonce 3, expected 4');
      expect(err.meta).toEqual({ expected: '4', got: '3' });
      node.handler = () => rpcError(404, 'RPC_NOT_FOUND', 'no committed block at height 99');
      expect((await rejection(client.block(99n))).code).toBe('RPC_NOT_FOUND');
      node.handler = () => rpcError(429, 'RPC_RATE_LIMITED', 'slow down');
      expect((await rejection(client.status())).code).toBe('RPC_RATE_LIMITED');
    });

    it('reports CLIENT_BAD_RESPONSE for non-JSON, an error without an error object, or a wrong shape', async () => {
      node.handler = () => ({ status: 502, raw: '<html>bad gateway</html>', type: 'text/html' });
      const html = await rejection(client.status());
      expect(html.code).toBe('CLIENT_BAD_RESPONSE');
      expect(html.meta['status']).toBe(502);
      node.handler = () => ({ status: 500, json: { oops: true } });
      expect((await rejection(client.status())).code).toBe('CLIENT_BAD_RESPONSE');
      node.handler = () => ({ json: { ...statusJson, height: 12.5 } });
      const shape = await rejection(client.status());
      expect(shape.code).toBe('CLIENT_BAD_RESPONSE');
      expect(shape.meta['path']).toBe('status.height');
      node.handler = () => ({ json: { ...statusJson, height: '18446744073709551616' } });
      expect((await rejection(client.status())).code).toBe('CLIENT_BAD_RESPONSE');
      node.handler = () => ({ json: [] });
      expect((await rejection(client.mempool())).code).toBe('CLIENT_BAD_RESPONSE');
    });

    it('reports CLIENT_UNREACHABLE when nothing listens or the connection drops', async () => {
      const gone = await new FakeNode({ handler: () => 'hang' }).start();
      await gone.close();
      const err = await rejection(new BabyClient({ url: gone.url }).status());
      expect(err.code).toBe('CLIENT_UNREACHABLE');
      expect(err.message).toMatch(/ECONNREFUSED/);
      node.handler = () => 'destroy';
      expect((await rejection(client.status())).code).toBe('CLIENT_UNREACHABLE');
    });

    it('reports CLIENT_TIMEOUT when the node does not answer in time', async () => {
      node.handler = () => 'hang';
      const slow = new BabyClient({ url: node.url, timeoutMs: 100 });
      const err = await rejection(slow.status());
      expect(err.code).toBe('CLIENT_TIMEOUT');
      expect(err.meta['timeoutMs']).toBe(100);
    });

    it('uses the fetch it is given', async () => {
      const seen: string[] = [];
      const custom: typeof fetch = (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      };
      node.handler = () => ({ json: statusJson });
      await new BabyClient({ url: node.url, fetch: custom }).status();
      expect(seen).toEqual([`${node.url}/status`]);
    });
  });

  describe('waitForTx', () => {
    it('polls until the transaction is committed, reporting progress', async () => {
      let polls = 0;
      node.handler = () =>
        ++polls < 3 ? rpcError(404, 'RPC_NOT_FOUND', 'pending', { pending: true }) : { json: txJson };
      const progress: number[] = [];
      const info = await client.waitForTx(txIdHex, { pollMs: 10, onProgress: (ms) => progress.push(ms) });
      expect(info.index).toBe(0);
      expect(polls).toBe(3);
      expect(progress).toHaveLength(2);
    });

    it('waits through a dropped connection', async () => {
      let polls = 0;
      node.handler = () => (++polls === 1 ? 'destroy' : { json: txJson });
      expect((await client.waitForTx(txIdHex, { pollMs: 10 })).id).toBe(txIdHex);
    });

    it('gives up with CLIENT_TIMEOUT after its deadline', async () => {
      node.handler = () => rpcError(404, 'RPC_NOT_FOUND', 'unknown transaction');
      const started = Date.now();
      const err = await rejection(client.waitForTx(txIdHex, { timeoutMs: 150, pollMs: 20 }));
      expect(err.code).toBe('CLIENT_TIMEOUT');
      expect(err.meta['id']).toBe(txIdHex);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(node.requests.length).toBeGreaterThan(2);
    });

    it("ends at once with the node's reason when the mempool let the transaction go", async () => {
      const dropped = { id: txIdHex, reason: 'invalid', code: 'GOV_UNKNOWN_PROPOSAL', message: 'closed' };
      node.handler = () => rpcError(410, 'RPC_TX_DROPPED', 'left the mempool uncommitted', dropped);
      const err = await rejection(client.waitForTx(txIdHex, { timeoutMs: 10_000, pollMs: 10 }));
      expect(err.code).toBe('RPC_TX_DROPPED');
      expect(err.meta).toMatchObject({ reason: 'invalid', code: 'GOV_UNKNOWN_PROPOSAL' });
      expect(node.requests).toHaveLength(1);
    });

    it('stops at once on an error that is not about reaching the node', async () => {
      node.handler = () => rpcError(400, 'RPC_BAD_REQUEST', 'a tx id is 64 hex digits');
      expect((await rejection(client.waitForTx('zz', { pollMs: 10 }))).code).toBe('RPC_BAD_REQUEST');
      expect(node.requests).toHaveLength(1);
    });
  });
});
