/**
 * The SDK in a browser: an esbuild bundle with the `browser` condition (no node: module may be reached), then
 * Debian's Chromium, driven by playwright-core, loads a page that signs and sends a transfer to a fake node; the
 * bytes it posts must equal what Node builds from the same inputs (RFC 8032 signatures are deterministic).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fromHex, toHex, txId } from '@babychain/codec';
import { addressFromPublicKey, deriveAccountKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { type FakeHandler, FakeNode, fakeStatus, rpcError } from '@babychain/test-utils';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signedTransfer } from './transfer.ts';

const CHROMIUM = '/usr/bin/chromium';
const srcDir = import.meta.dirname;

function build(options: esbuild.BuildOptions & { metafile: true }) {
  return esbuild.build({
    bundle: true,
    platform: 'browser',
    conditions: ['browser'],
    write: false,
    format: 'esm',
    logLevel: 'silent',
    ...options,
  });
}

describe('the browser bundle', () => {
  it('builds from src/index.ts with no node: import and no node-only crypto file', async () => {
    const result = await build({ entryPoints: [join(srcDir, 'index.ts')], minify: true, metafile: true });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const [output] = Object.values(result.metafile.outputs);
    expect(output?.imports).toEqual([]); // everything bundled, nothing left to a runtime
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((f) => f.endsWith('crypto/src/browser.ts'))).toBe(true);
    expect(inputs.filter((f) => /crypto\/src\/(index|ed25519|keystore|keyring)\.ts$/.test(f))).toEqual([]);
    const bytes = result.outputFiles?.[0]?.contents ?? new Uint8Array();
    const gzipped = gzipSync(bytes).length;
    console.info(`client browser bundle: ${bytes.length} bytes minified, ${gzipped} gzipped`);
    expect(bytes.length).toBeLessThan(400_000);
  });
});

const MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon ' +
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon art';

/** What the page runs: derive the wallet key, send a transfer through BabyClient, report what it saw. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>babychain</title>
<script type="module">
import * as baby from '/bundle.js';
window.result = (async () => {
  const key = baby.deriveAccountKey(${JSON.stringify(MNEMONIC)}, 0);
  const to = baby.encodeAddress(baby.addressFromPublicKey(baby.publicKeyFromSeed(new Uint8Array(32).fill(200))), 'baby');
  const client = new baby.BabyClient({ url: location.origin });
  const sent = await baby.sendTransfer(client, { seed: key.seed, to, amount: 777n, fee: 600n, memo: 'from the browser', waitTimeoutMs: 5000 });
  return { publicKey: baby.toHex(key.publicKey), id: sent.id, height: String(sent.height), nonce: String(sent.nonce), hasBuffer: typeof Buffer !== 'undefined' };
})();
</script>`;

describe('the SDK in Chromium', () => {
  it('signs and sends the same transfer bytes as Node', { timeout: 60_000 }, async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      const why = `no ${CHROMIUM}: install Debian's chromium (apt-get install chromium) to run this test`;
      console.warn(`skipped: ${why}`);
      ctx.skip(why);
    }
    const bundle = await build({
      stdin: {
        contents: `export * from './index.ts';
export { toHex } from '@babychain/codec';
export { addressFromPublicKey, deriveAccountKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';`,
        resolveDir: srcDir,
        loader: 'ts',
      },
      metafile: true,
    });
    const js = bundle.outputFiles?.[0]?.text ?? '';

    const key = deriveAccountKey(MNEMONIC, 0);
    const from = encodeAddress(addressFromPublicKey(key.publicKey), 'baby');
    const posted: Uint8Array[] = [];
    const handler: FakeHandler = (r) => {
      if (r.path === '/status') return { json: fakeStatus({ chainId: 'browser-chain' }) };
      if (r.path === `/accounts/${from}`) return { json: { address: from, balance: '5000', nonce: '6', height: '3' } };
      if (r.method === 'POST' && r.path === '/txs') {
        const bytes = fromHex((r.body as { tx: string }).tx);
        posted.push(bytes);
        return { json: { id: toHex(txId(bytes)), status: 'pending' } };
      }
      const bytes = posted[0];
      if (bytes !== undefined && r.path === `/txs/${toHex(txId(bytes))}`) {
        return { json: { id: toHex(txId(bytes)), height: '4', index: 0, sender: from, tx: {}, bytes: toHex(bytes) } };
      }
      return rpcError(404, 'RPC_NOT_FOUND', `no route ${r.path}`);
    };
    const node = await new FakeNode({
      handler,
      files: new Map([
        ['/', ['text/html', PAGE]],
        ['/bundle.js', ['text/javascript', js]],
      ]),
    }).start();
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      await page.goto(`${node.url}/`);
      const result = (await page.evaluate('window.result')) as Record<string, unknown>;
      expect(pageErrors).toEqual([]);

      const expected = signedTransfer({
        chainId: 'browser-chain',
        seed: key.seed,
        publicKey: publicKeyFromSeed(key.seed),
        to: addressFromPublicKey(publicKeyFromSeed(new Uint8Array(32).fill(200))),
        amount: 777n,
        fee: 600n,
        nonce: 6n,
        memo: 'from the browser',
      });
      expect(posted).toHaveLength(1);
      expect(toHex(posted[0] as Uint8Array)).toBe(toHex(expected));
      expect(result).toEqual({
        publicKey: toHex(key.publicKey),
        id: toHex(txId(expected)),
        height: '4',
        nonce: '6',
        hasBuffer: false,
      });
    } finally {
      await browser.close();
      await node.close();
    }
  });
});
