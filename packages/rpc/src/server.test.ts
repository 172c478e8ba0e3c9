// The RPC server: REST (RPC-2 to RPC-8), JSON-RPC (RPC-11), websocket (RPC-9); OpenAPI (RPC-15) lists only these.
import { sha256, toHex } from '@babychain/codec';
import { FAKE_TX_SENDER as ADDRESS_A, fakeTx } from '@babychain/test-utils';
import { describe, expect, it } from 'vitest';
import { ADDRESS_MULTI, type Body, codeOf, type RpcAnswer, request, scriptedServer } from './server.testutil.ts';

const { fake, server, exercised, warnings, call, get, post, rpc } = scriptedServer();

describe('REST routes', () => {
  it('serves status, validators and mempool statistics', async () => {
    const status = await get('/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ chainId: 'fake-1', maturity: 'baby', height: '2', validator: { index: 0 } });
    expect((await get('/validators')).body).toMatchObject({ totalPower: '10', validators: [{ name: 'node0' }] });
    expect((await get('/mempool')).body).toMatchObject({ pendingTxs: 0, queuedTxs: 0 });
  });

  it('serves the governance record a launcher polls: the plan, its manifest and the ready power', async () => {
    const upgrade = await get('/upgrade');
    expect(upgrade.status).toBe(200);
    expect(upgrade.body).toMatchObject({
      governance: { plan: { name: 'v2', height: '40' }, ready: { power: '10' }, releaseThreshold: 1 },
    });
  });

  it('serves committed blocks by height, "latest", hash and range', async () => {
    const one = await get('/blocks/{height}', '/blocks/1');
    expect(one.body).toMatchObject({ height: '1', header: { height: '1' }, txIds: [], commit: null });
    const latest = await get('/blocks/{height}', '/blocks/latest');
    expect(latest.body['height']).toBe(String(fake.height));
    const byHash = await get('/blocks/hash/{hash}', `/blocks/hash/${String(one.body['hash'])}`);
    expect(byHash.body).toEqual(one.body);
    const range = await get('/blocks', '/blocks?from=1&to=2');
    expect((range.body['blocks'] as { height: string }[]).map((b) => b.height)).toEqual(['1', '2']);
    expect(range.body['next']).toBeUndefined();
  });

  it('pages a validator set by index and the proposals newest first, by the cursor each page names (RPC-2, RPC-20)', async () => {
    const realValidators = fake.validators.bind(fake);
    const realUpgrade = fake.upgrade.bind(fake);
    try {
      const set = await realValidators();
      const one = set?.validators[0];
      if (set === undefined || one === undefined) throw new Error('the fake has a validator');
      const five = Array.from({ length: 5 }, (_, index) => ({ ...one, index, name: `node${index}` }));
      fake.validators = async () => ({ ...set, totalPower: '50', validators: five });
      const names = (r: { body: Record<string, unknown> }) =>
        (r.body['validators'] as { name: string }[]).map((v) => v.name);
      const whole = await get('/validators');
      expect(names(whole)).toHaveLength(5);
      expect(whole.body['next']).toBeUndefined();
      const first = await get('/validators', '/validators?limit=2');
      expect([names(first), first.body['next'], first.body['totalPower']]).toEqual([['node0', 'node1'], '2', '50']);
      const last = await get('/validators', '/validators?limit=2&cursor=4');
      expect([names(last), last.body['next']]).toEqual([['node4'], null]);

      const base = await realUpgrade();
      const tally = { yes: '0', no: '0', abstain: '0', veto: '0', totalPower: '50' };
      const voting = ['6', '7'].map((id) => ({
        id,
        title: `p${id}`,
        kind: 'param-change' as const,
        proposer: '11'.repeat(20),
        deposit: '10',
        submitHeight: '1',
        votingEndHeight: '9',
        tally,
      }));
      const decided = ['2', '3', '5'].map((id) => ({
        id,
        title: `p${id}`,
        status: 'rejected' as const,
        tally,
        endHeight: '4',
        reason: '',
      }));
      fake.upgrade = async () => ({ ...base, governance: { ...base.governance, proposals: voting, results: decided } });
      const ids: string[] = [];
      const statuses: string[] = [];
      let cursor = '';
      for (let page = 0; page < 10; page++) {
        const r = await get('/proposals', `/proposals?limit=2${cursor}`);
        for (const p of r.body['proposals'] as { id: string; status: string }[]) {
          ids.push(p.id);
          statuses.push(p.status);
        }
        if (r.body['next'] === null) break;
        cursor = `&cursor=${String(r.body['next'])}`;
      }
      expect(ids).toEqual(['7', '6', '5', '3', '2']);
      expect(statuses).toEqual(['voting', 'voting', 'rejected', 'rejected', 'rejected']);
      const from4 = await get('/proposals', '/proposals?cursor=4');
      expect((from4.body['proposals'] as { id: string }[]).map((p) => p.id)).toEqual(['3', '2']);
    } finally {
      fake.validators = realValidators;
      fake.upgrade = realUpgrade;
    }
  });

  it('pages the newest blocks down from the tip by the cursor each page names (RPC-4)', async () => {
    while (fake.height < 5n) fake.commitBlock([]);
    const tip = Number(fake.height);
    const heights = (r: { body: Record<string, unknown> }) =>
      (r.body['blocks'] as { height: string }[]).map((b) => Number(b.height));
    const first = await get('/blocks', '/blocks?limit=2');
    expect(heights(first)).toEqual([tip, tip - 1]);
    expect(first.body['next']).toBe(String(tip - 2));
    const seen: number[] = [];
    let cursor: unknown = first.body['next'];
    seen.push(...heights(first));
    while (cursor !== null) {
      const page = await get('/blocks', `/blocks?limit=2&cursor=${String(cursor)}`);
      seen.push(...heights(page));
      cursor = page.body['next'];
    }
    expect(seen).toEqual(Array.from({ length: tip }, (_, i) => tip - i));
    const above = await get('/blocks', `/blocks?limit=1&cursor=${tip + 100}`);
    expect(heights(above)).toEqual([tip]);
    const byDefault = await get('/blocks', '/blocks');
    expect(heights(byDefault)).toEqual(Array.from({ length: Math.min(20, tip) }, (_, i) => tip - i));
  });

  it("pages an account's transactions by the cursor each page names, and refuses one it did not issue", async () => {
    fake.commitBlock([fakeTx(9040n), fakeTx(9041n)]);
    fake.commitBlock([fakeTx(9042n)]);
    const route = '/accounts/{address}/txs';
    const all = await get(route, `/accounts/${ADDRESS_A}/txs?limit=100`);
    const ids = (all.body['txs'] as { id: string }[]).map((t) => t.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(all.body['next']).toBeNull();
    const paged: string[] = [];
    let cursor = '';
    for (let page = 0; page <= ids.length; page++) {
      const r = await get(route, `/accounts/${ADDRESS_A}/txs?limit=1${cursor}`);
      paged.push(...(r.body['txs'] as { id: string }[]).map((t) => t.id));
      if (r.body['next'] === null) break;
      cursor = `&cursor=${String(r.body['next'])}`;
    }
    expect(paged).toEqual(ids);
    expect(codeOf(await get(route, `/accounts/${ADDRESS_A}/txs?cursor=x`))).toEqual([400, 'RPC_BAD_REQUEST']);
    expect(codeOf(await get(route, `/accounts/${ADDRESS_A}/txs?limit=101`))).toEqual([400, 'RPC_BAD_REQUEST']);
    expect(codeOf(await get(route, '/accounts/nope/txs'))[0]).toBe(400);
  });

  it('serves who signed the last blocks, within its bounds', async () => {
    const r = await get('/validators/signing', '/validators/signing?blocks=2');
    expect(r.body).toMatchObject({ validators: [{ name: 'node0', inSet: true, signed: 2, missed: 0 }] });
    expect(codeOf(await get('/validators/signing', '/validators/signing?blocks=0'))).toEqual([400, 'RPC_BAD_REQUEST']);
  });

  it('answers RPC_NOT_FOUND for a missing block, an unknown or pending transaction and an unknown route', async () => {
    expect(codeOf(await get('/blocks/{height}', '/blocks/999'))).toEqual([404, 'RPC_NOT_FOUND']);
    expect(codeOf(await get('/blocks/hash/{hash}', `/blocks/hash/${'cd'.repeat(32)}`))).toEqual([404, 'RPC_NOT_FOUND']);
    expect(codeOf(await get('/txs/{id}', `/txs/${'cc'.repeat(32)}`))).toEqual([404, 'RPC_NOT_FOUND']);
    const bytes = fakeTx(1n);
    fake.pool.set(toHex(sha256(bytes)), bytes);
    const pending = await get('/txs/{id}', `/txs/${toHex(sha256(bytes))}`);
    expect(codeOf(pending)).toEqual([404, 'RPC_NOT_FOUND']);
    expect(pending.body.error?.meta).toEqual({ id: toHex(sha256(bytes)), pending: true });
    fake.pool.clear();
    for (const path of ['/nope', '/blocks/1/extra', '/txs/check/x']) {
      const r = await fetch(`${server.url}${path}`);
      expect([path, r.status, ((await r.json()) as Body).error?.code]).toEqual([path, 404, 'RPC_NOT_FOUND']);
    }
  });

  it('answers RPC_BAD_REQUEST for malformed heights, ranges, hashes, ids and query strings', async () => {
    const cases: [string, string][] = [
      ['/blocks/{height}', '/blocks/-1'],
      ['/blocks/{height}', '/blocks/01'],
      ['/blocks/{height}', '/blocks/abc'],
      ['/blocks/{height}', '/blocks/99999999999999999999'],
      ['/blocks', '/blocks?from=5&to=1'],
      ['/blocks', '/blocks?from=1&to=5000'],
      ['/blocks', '/blocks?from=1'],
      ['/blocks', '/blocks?from=1&to=2&extra=1'],
      ['/blocks', '/blocks?from=1&to=2&limit=2'],
      ['/blocks', '/blocks?to=2&cursor=1'],
      ['/blocks', '/blocks?limit=0'],
      ['/blocks', '/blocks?limit=101'],
      ['/blocks', '/blocks?cursor=-1'],
      ['/validators', '/validators?limit=0'],
      ['/validators', '/validators?cursor=x'],
      ['/proposals', '/proposals?limit=101'],
      ['/proposals', '/proposals?cursor=-2'],
      ['/blocks/hash/{hash}', '/blocks/hash/abcd'],
      ['/txs/{id}', '/txs/zz'],
      ['/txs/{id}', `/txs/${'AB'.repeat(32)}`],
      ['/txs/{id}', `/txs/${'a'.repeat(63)}`],
    ];
    for (const [route, path] of cases) {
      const r = await get(route, path);
      expect([path, r.status, r.body.error?.code]).toEqual([path, 400, 'RPC_BAD_REQUEST']);
      expect(r.body.error?.message.length).toBeGreaterThan(0);
    }
  });

  it('submits in sync mode by default and passes a refused rule code through with JSON-safe meta', async () => {
    const bytes = fakeTx(3n);
    const r = await post('/txs', { tx: toHex(bytes) });
    expect(r.body).toEqual({ id: toHex(sha256(bytes)), status: 'pending' });
    expect(fake.submitted.at(-1)).toEqual(bytes);
    const queued = await post('/txs', { tx: toHex(fakeTx(7n)), mode: 'sync' });
    expect(queued.body['status']).toBe('queued');
    const refused = await post('/txs', { tx: toHex(fakeTx(99n)) });
    expect(codeOf(refused)).toEqual([400, 'TX_BAD_NONCE']);
    expect(refused.body.error?.meta).toEqual({ expected: '5', got: '99', key: toHex(fakeTx(99n).slice(0, 2)) });
  });

  it('submits a batch in order, one result per transaction, a refusal not stopping the rest', async () => {
    const [a, b] = [fakeTx(11n), fakeTx(12n)];
    const r = await post('/txs/batch', { txs: [toHex(a), toHex(fakeTx(99n)), 'ff', toHex(b)] });
    expect(r.status).toBe(200);
    const results = r.body['results'] as Record<string, unknown>[];
    expect(results[0]).toEqual({ id: toHex(sha256(a)), status: 'pending' });
    expect(results[1]).toMatchObject({ id: toHex(sha256(fakeTx(99n))), error: { code: 'TX_BAD_NONCE' } });
    expect(results[2]).toMatchObject({ error: { code: expect.stringMatching(/^CODEC_/) } });
    expect(results[3]).toEqual({ id: toHex(sha256(b)), status: 'pending' });
    expect(fake.submitted.slice(-2)).toEqual([a, b]);
    const tooMany = await post('/txs/batch', { txs: Array(129).fill(toHex(a)) });
    expect(codeOf(tooMany)).toEqual([400, 'RPC_BAD_REQUEST']);
  });

  it('submits in async mode once the bytes decode, and refuses undecodable bytes with the codec code', async () => {
    const bytes = fakeTx(4n);
    const before = fake.submitted.length;
    const r = await post('/txs', { tx: toHex(bytes), mode: 'async' });
    expect(r.body).toEqual({ id: toHex(sha256(bytes)) });
    await expect.poll(() => fake.submitted.length).toBe(before + 1);
    const bad = await post('/txs', { tx: 'ff', mode: 'async' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toMatch(/^CODEC_/);
    expect(fake.submitted.length).toBe(before + 1);
  });

  it('waits in commit mode for the block that includes the transaction, and times out with RPC_TIMEOUT', async () => {
    const bytes = fakeTx(5n);
    const r = await post('/txs', { tx: toHex(bytes), mode: 'commit' });
    expect(r.body).toEqual({ id: toHex(sha256(bytes)), height: String(fake.height), index: 0 });
    const committed = await get('/txs/{id}', `/txs/${toHex(sha256(bytes))}`);
    expect(committed.body).toMatchObject({ height: String(fake.height), index: 0, sender: ADDRESS_A });
    fake.autoCommit = false;
    try {
      const late = await post('/txs', { tx: toHex(fakeTx(6n)), mode: 'commit' });
      expect(codeOf(late)).toEqual([504, 'RPC_TIMEOUT']);
      expect(late.body.error?.meta).toEqual({ id: toHex(sha256(fakeTx(6n))), timeoutMs: 300 });
    } finally {
      fake.autoCommit = true;
      fake.pool.clear();
    }
    expect(fake.listenerCount).toBe(0);
  });

  it('ends a commit wait, and answers a lookup, with RPC_TX_DROPPED once the mempool lets the transaction go', async () => {
    fake.autoCommit = false;
    const bytes = fakeTx(31n);
    const id = toHex(sha256(bytes));
    const why = { reason: 'invalid', code: 'GOV_UNKNOWN_PROPOSAL', message: 'proposal 4 is not in voting' };
    try {
      const waiting = post('/txs', { tx: toHex(bytes), mode: 'commit' });
      await expect.poll(() => fake.pool.has(id)).toBe(true);
      fake.drop(bytes, why);
      fake.commitBlock([]);
      const r = await waiting;
      expect(codeOf(r)).toEqual([410, 'RPC_TX_DROPPED']);
      expect(r.body.error?.meta).toEqual({ id, ...why });
      expect(r.body.error?.message).toContain('GOV_UNKNOWN_PROPOSAL');
    } finally {
      fake.autoCommit = true;
    }
    const lookup = await get('/txs/{id}', `/txs/${id}`);
    expect(codeOf(lookup)).toEqual([410, 'RPC_TX_DROPPED']);
    expect(fake.listenerCount).toBe(0);
  });

  it('checks a transaction without admitting it, and answers the rule code of a failing one', async () => {
    const before = fake.submitted.length;
    const ok = await post('/txs/check', { tx: toHex(fakeTx(8n)) });
    expect(ok.body).toMatchObject({ id: toHex(sha256(fakeTx(8n))), fee: '500', nonce: '8', accountNonce: '0' });
    const low = await post('/txs/check', { tx: toHex(fakeTx(8n, 1n)) });
    expect(codeOf(low)).toEqual([400, 'TX_FEE_TOO_LOW']);
    expect(low.body.error?.meta).toEqual({ minFee: '10' });
    expect(codeOf(await post('/txs/check', { tx: 'abc' }))).toEqual([400, 'RPC_BAD_REQUEST']);
    expect(fake.submitted.length).toBe(before);
  });

  it('refuses malformed submission bodies with RPC_PARSE_ERROR or RPC_BAD_REQUEST and admits nothing', async () => {
    const before = fake.submitted.length;
    const cases: [string, string][] = [
      ['not json', 'RPC_PARSE_ERROR'],
      ['{"tx": "00"', 'RPC_PARSE_ERROR'],
      ['', 'RPC_BAD_REQUEST'],
      ['null', 'RPC_BAD_REQUEST'],
      ['[]', 'RPC_BAD_REQUEST'],
      ['{}', 'RPC_BAD_REQUEST'],
      ['{"tx": 5}', 'RPC_BAD_REQUEST'],
      ['{"tx": "abc"}', 'RPC_BAD_REQUEST'],
      ['{"tx": "zz"}', 'RPC_BAD_REQUEST'],
      ['{"tx": "ABCD"}', 'RPC_BAD_REQUEST'],
      ['{"tx": ""}', 'RPC_BAD_REQUEST'],
      ['{"tx": "00", "mode": "later"}', 'RPC_BAD_REQUEST'],
      ['{"tx": "00", "extra": 1}', 'RPC_BAD_REQUEST'],
    ];
    for (const [body, code] of cases) {
      const r = await post('/txs', body);
      expect([body, r.status, r.body.error?.code]).toEqual([body, 400, code]);
    }
    expect(fake.submitted.length).toBe(before);
  });

  it('reads a REST body as JSON whatever its content type', async () => {
    const bytes = fakeTx(9n);
    const r = await call('POST', '/txs', '/txs', JSON.stringify({ tx: toHex(bytes) }), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(r.body['id']).toBe(toHex(sha256(bytes)));
  });

  it('refuses a body over 64 KiB with RPC_TOO_LARGE (413)', async () => {
    const r = await post('/txs', { tx: '00'.repeat(40_000) });
    expect(codeOf(r)).toEqual([413, 'RPC_TOO_LARGE']);
  });

  it('serves an account with its multisig key and passes an address error code through', async () => {
    const plain = await get('/accounts/{address}', `/accounts/${ADDRESS_A}`);
    expect(plain.body).toMatchObject({ address: ADDRESS_A, balance: '5', nonce: '0', multisig: null });
    const multi = await get('/accounts/{address}', `/accounts/${ADDRESS_MULTI}`);
    expect(multi.body['multisig']).toMatchObject({ threshold: 2 });
    const bad = await get('/accounts/{address}', '/accounts/cosmos1xyz');
    expect(codeOf(bad)).toEqual([400, 'ADDR_BAD_PREFIX']);
    expect(bad.body.error?.meta).toEqual({ address: 'cosmos1xyz' });
  });

  it('answers RPC_INTERNAL (500) for an unexpected failure, logs it and does not leak it', async () => {
    const r = await get('/accounts/{address}', '/accounts/baby1crash');
    expect(codeOf(r)).toEqual([500, 'RPC_INTERNAL']);
    expect(r.text).not.toContain('disk on fire');
    expect(JSON.stringify(warnings.at(-1), (_k, v) => (v instanceof Error ? v.message : v))).toContain('disk on fire');
  });

  it('serves Prometheus text and the devnet denylist', async () => {
    exercised.add('GET /metrics');
    const r = await fetch(`${server.url}/metrics`);
    expect(r.headers.get('content-type')).toContain('text/plain');
    expect(await r.text()).toContain('babychain_height');
    expect((await post('/admin/denylist', { peerIds: ['p1'] })).body).toEqual({ ok: true });
    expect(fake.denied).toEqual(['p1']);
    expect(codeOf(await post('/admin/denylist', { peerIds: 'p1' }))).toEqual([400, 'RPC_BAD_REQUEST']);
  });

  it('serves the OpenAPI document at /docs/json and a UI at /docs that loads nothing from elsewhere', async () => {
    const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(2);
    for (const ref of refs) expect(ref).toMatch(/^\/docs\/static\//);
    const init = await (await fetch(`${server.url}/docs/static/swagger-initializer.js`)).text();
    expect(init).toContain('"validatorUrl":null');
  });
});

describe('JSON-RPC 2.0 at POST /', () => {
  it('answers every method with the result of its REST route', async () => {
    const block = await get('/blocks/{height}', '/blocks/1');
    const pairs: [string, unknown, string][] = [
      ['validators', undefined, '/validators'],
      ['upgrade', undefined, '/upgrade'],
      ['mempool', {}, '/mempool'],
      ['block', { height: '1' }, '/blocks/1'],
      ['block', { height: 'latest' }, '/blocks/latest'],
      ['block_by_hash', { hash: block.body['hash'] }, `/blocks/hash/${String(block.body['hash'])}`],
      ['blocks', { from: '1', to: '2' }, '/blocks?from=1&to=2'],
      ['account', { address: ADDRESS_MULTI }, `/accounts/${ADDRESS_MULTI}`],
      ['tx', { id: toHex(sha256(fakeTx(5n))) }, `/txs/${toHex(sha256(fakeTx(5n)))}`],
    ];
    for (const [method, params, path] of pairs) {
      const { answer } = await rpc(request(method, params, method));
      expect([method, answer]).toEqual([method, { jsonrpc: '2.0', id: method, result: (await get(path)).body }]);
    }
    const status = await rpc(request('status'));
    expect(status.answer.result).toMatchObject({ chainId: 'fake-1', height: String(fake.height) });
    const check = await rpc(request('check_tx', { tx: toHex(fakeTx(8n)) }));
    expect(check.answer.result).toEqual((await post('/txs/check', { tx: toHex(fakeTx(8n)) })).body);
  });

  it('submits in each mode', async () => {
    const sync = await rpc(request('submit_tx', { tx: toHex(fakeTx(10n)) }));
    expect(sync.answer.result).toEqual({ id: toHex(sha256(fakeTx(10n))), status: 'pending' });
    const async_ = await rpc(request('submit_tx', { tx: toHex(fakeTx(11n)), mode: 'async' }));
    expect(async_.answer.result).toEqual({ id: toHex(sha256(fakeTx(11n))) });
    const commit = await rpc(request('submit_tx', { tx: toHex(fakeTx(12n)), mode: 'commit' }));
    expect(commit.answer.result).toMatchObject({ id: toHex(sha256(fakeTx(12n))), index: 0 });
  });

  it('answers nothing to notifications (204) and answers a batch in order', async () => {
    const before = fake.submitted.length;
    const note = await rpc({ jsonrpc: '2.0', method: 'submit_tx', params: { tx: toHex(fakeTx(13n)) } });
    expect([note.status, note.text]).toEqual([204, '']);
    expect(fake.submitted.length).toBe(before + 1);
    const batch = await rpc([
      request('validators', undefined, 1),
      { jsonrpc: '2.0', method: 'status' },
      request('nope', undefined, 2),
      5,
    ]);
    const answers = batch.answer as unknown as RpcAnswer[];
    expect(answers.map((a) => [a.id, a.error?.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, -32601],
      [null, -32600],
    ]);
    const notes = await rpc([{ jsonrpc: '2.0', method: 'status' }]);
    expect(notes.status).toBe(204);
  });
});

describe('websocket at GET /ws', () => {
  class Client {
    readonly messages: RpcAnswer[] = [];
    readonly socket: WebSocket;
    #id = 0;
    constructor() {
      exercised.add('GET /ws');
      this.socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
      this.socket.addEventListener('message', (e) => this.messages.push(JSON.parse(String(e.data)) as RpcAnswer));
    }
    async open(): Promise<this> {
      await new Promise((resolve, reject) => {
        this.socket.addEventListener('open', resolve);
        this.socket.addEventListener('error', reject);
      });
      return this;
    }
    async call(method: string, params?: unknown): Promise<RpcAnswer> {
      const id = ++this.#id;
      this.socket.send(JSON.stringify(request(method, params, id)));
      await expect.poll(() => this.messages.some((m) => m.id === id)).toBe(true);
      return this.messages.find((m) => m.id === id) as RpcAnswer;
    }
    notifications(method: string): Record<string, unknown>[] {
      return this.messages.flatMap((m) =>
        (m as { method?: string }).method === method
          ? [(m as unknown as { params: Record<string, unknown> }).params]
          : [],
      );
    }
  }

  it('notifies every committed block to a blocks subscription until unsubscribed', async () => {
    const client = await new Client().open();
    const { result } = await client.call('subscribe', { event: 'blocks' });
    const subscription = result?.['subscription'];
    expect(typeof subscription).toBe('string');
    const bytes = fakeTx(20n);
    const block = fake.commitBlock([bytes]);
    fake.commitBlock([]);
    await expect.poll(() => client.notifications('block').length).toBe(2);
    expect(client.notifications('block')[0]).toEqual({
      ...block.summary,
      txIds: [toHex(sha256(bytes))],
      subscription,
    });
    expect((await client.call('unsubscribe', { subscription })).result).toEqual({ ok: true });
    fake.commitBlock([]);
    expect((await client.call('status')).result?.['height']).toBe(String(fake.height));
    expect(client.notifications('block').length).toBe(2);
    client.socket.close();
    await expect.poll(() => fake.listenerCount).toBe(0);
  });

  it("notifies a transaction's inclusion once, at once when it is already committed", async () => {
    const client = await new Client().open();
    const bytes = fakeTx(21n);
    const id = toHex(sha256(bytes));
    const { result } = await client.call('subscribe', { event: 'tx', id });
    fake.commitBlock([fakeTx(22n), bytes]);
    await expect.poll(() => client.notifications('tx').length).toBe(1);
    expect(client.notifications('tx')[0]).toEqual({
      id,
      height: String(fake.height),
      index: 1,
      subscription: result?.['subscription'],
    });
    const again = await client.call('subscribe', { event: 'tx', id });
    await expect.poll(() => client.notifications('tx').length).toBe(2);
    expect(client.notifications('tx')[1]).toMatchObject({ id, index: 1, subscription: again.result?.['subscription'] });
    fake.commitBlock([bytes]);
    expect((await client.call('mempool')).result).toBeDefined();
    expect(client.notifications('tx').length).toBe(2);
    client.socket.close();
    await expect.poll(() => fake.listenerCount).toBe(0);
  });

  it("ends a transaction's subscription with why, once the mempool lets it go, or at once if it already did", async () => {
    const client = await new Client().open();
    const bytes = fakeTx(41n);
    const id = toHex(sha256(bytes));
    const dropped = { reason: 'stale_nonce', code: 'TX_BAD_NONCE', message: 'nonce passed' };
    const { result } = await client.call('subscribe', { event: 'tx', id });
    fake.drop(bytes, dropped);
    fake.commitBlock([]);
    await expect.poll(() => client.notifications('tx').length).toBe(1);
    expect(client.notifications('tx')[0]).toEqual({ id, dropped, subscription: result?.['subscription'] });
    const again = await client.call('subscribe', { event: 'tx', id });
    await expect.poll(() => client.notifications('tx').length).toBe(2);
    expect(client.notifications('tx')[1]).toEqual({ id, dropped, subscription: again.result?.['subscription'] });
    client.socket.close();
    await expect.poll(() => fake.listenerCount).toBe(0);
  });

  it('answers bad subscriptions, unknown subscriptions and parse errors with their codes', async () => {
    const client = await new Client().open();
    expect((await client.call('subscribe', { event: 'votes' })).error).toMatchObject({
      code: -32602,
      data: { code: 'RPC_BAD_REQUEST' },
    });
    expect((await client.call('subscribe', { event: 'tx', id: 'zz' })).error?.data.code).toBe('RPC_BAD_REQUEST');
    expect((await client.call('unsubscribe', { subscription: '42' })).error).toMatchObject({
      code: -32000,
      data: { code: 'RPC_NOT_FOUND' },
    });
    expect((await client.call('nope')).error?.code).toBe(-32601);
    client.socket.send('not json');
    await expect.poll(() => client.messages.some((m) => m.error?.code === -32700)).toBe(true);
    client.socket.close();
  });

  it('answers a plain GET without an upgrade with 426', async () => {
    const r = await get('/ws');
    expect(codeOf(r)).toEqual([426, 'RPC_BAD_REQUEST']);
  });
});

describe('the OpenAPI document', () => {
  it('lists only routes that a test above exercised', async () => {
    const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.length).toBeGreaterThanOrEqual(14);
    expect(routes.filter((r) => !exercised.has(r))).toEqual([]);
  });
});
