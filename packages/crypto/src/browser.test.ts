import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isBabyError } from '@babychain/codec';
import { SeededRandom } from '@babychain/test-utils';
import { describe, expect, it } from 'vitest';
import * as browser from './browser.ts';
import * as node from './index.ts';

/** Every file reachable from `entry` through relative imports. */
function reachableFiles(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from '(\.[^']+)'/g)) queue.push(join(dirname(file), m[1] as string));
  }
  return [...seen];
}

describe('the browser entry', () => {
  it('reaches no node: module and no Buffer', () => {
    const files = reachableFiles(join(import.meta.dirname, 'browser.ts'));
    expect(files.length).toBeGreaterThan(4);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from 'node:/);
      expect(text, file).not.toMatch(/\bBuffer\./);
    }
  });

  it('exports only names of the default entry, with the same kind of value', () => {
    for (const [name, value] of Object.entries(browser)) {
      expect(name in node, name).toBe(true);
      expect(typeof (node as Record<string, unknown>)[name], name).toBe(typeof value);
    }
  });

  it('derives the same public keys and signs the same bytes as the OpenSSL path', () => {
    const random = new SeededRandom(5);
    for (let i = 0; i < 32; i++) {
      const seed = random.bytes(32);
      const message = random.bytes(i * 7);
      const publicKey = browser.publicKeyFromSeed(seed);
      expect(publicKey).toEqual(node.publicKeyFromSeed(seed));
      const signature = browser.sign(seed, message);
      expect(signature).toEqual(node.sign(seed, message));
      expect(browser.verify(publicKey, message, signature)).toBe(true);
    }
  });

  it('generates key pairs from crypto.getRandomValues', () => {
    const a = browser.generateKeyPair();
    const b = browser.generateKeyPair();
    expect(a.seed).not.toEqual(b.seed);
    expect(a.publicKey).toEqual(node.publicKeyFromSeed(a.seed));
  });

  it('throws the SIG-8 code on a bad signature and CRYPTO_BAD_SEED on a short seed', () => {
    const { seed, publicKey } = browser.generateKeyPair();
    const signature = browser.sign(seed, Uint8Array.of(1));
    let caught: unknown;
    try {
      browser.assertValidSignature(publicKey, Uint8Array.of(2), signature);
    } catch (err) {
      caught = err;
    }
    expect(isBabyError(caught, 'SIG_MISMATCH')).toBe(true);
    expect(() => browser.sign(new Uint8Array(31), Uint8Array.of(1))).toThrow(/32 bytes/);
  });

  it('derives the same wallet key from a mnemonic', () => {
    const mnemonic = node.generateMnemonic(12);
    expect(browser.deriveAccountKey(mnemonic, 3)).toEqual(node.deriveAccountKey(mnemonic, 3));
  });
});
