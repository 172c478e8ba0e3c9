import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBabyError } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { addressFromPublicKey, decodeAddress, encodeAddress, multisigAddress } from './address.ts';
import { h, hex } from './bytes.testutil.ts';
import { publicKeyFromSeed, sign, type VerifyResult, verifyFastDetailed, verifyReferenceDetailed } from './ed25519.ts';
import { deriveAccountKey, slip10Derive } from './hd.ts';

interface Case {
  id: string;
  description: string;
  rule?: string;
  input: Record<string, unknown>;
  expected: { ok: boolean; error?: string } & Record<string, unknown>;
}

const dir = join(import.meta.dirname, '..', '..', '..', 'test-vectors', 'crypto');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as { runner: string; cases: Case[] }) }));
const cases = files.flatMap((f) => f.cases);

const s = (input: Record<string, unknown>, key: string): string => input[key] as string;

/** Each op of test-vectors/README.md through a plain public function. */
function run(input: Record<string, unknown>): Record<string, unknown> {
  switch (input['op']) {
    case 'sign':
      return { signature: hex(sign(h(s(input, 'seed')), h(s(input, 'message')))) };
    case 'publicKeyFromSeed':
      return { publicKey: hex(publicKeyFromSeed(h(s(input, 'seed')))) };
    case 'address': {
      const bytes = addressFromPublicKey(h(s(input, 'publicKey')));
      return { address: encodeAddress(bytes, s(input, 'prefix')), bytes: hex(bytes) };
    }
    case 'multisigAddress': {
      const bytes = multisigAddress(input['threshold'] as number, (input['publicKeys'] as string[]).map(h));
      return { address: encodeAddress(bytes, s(input, 'prefix')), bytes: hex(bytes) };
    }
    case 'decodeAddress':
      return { bytes: hex(decodeAddress(s(input, 'address'), s(input, 'prefix'))) };
    case 'mnemonicToKey': {
      const key = deriveAccountKey(s(input, 'mnemonic'), input['account'] as number, s(input, 'passphrase'));
      return { publicKey: hex(key.publicKey), address: encodeAddress(addressFromPublicKey(key.publicKey), 'baby') };
    }
    case 'slip10': {
      const node = slip10Derive(h(s(input, 'seed')), s(input, 'path'));
      return {
        privateKey: hex(node.privateKey),
        chainCode: hex(node.chainCode),
        publicKey: hex(publicKeyFromSeed(node.privateKey)),
      };
    }
    default:
      throw new Error(`unknown op ${String(input['op'])}`);
  }
}

function asExpected(result: VerifyResult): Record<string, unknown> {
  return result.ok ? { ok: true, valid: true } : { ok: false, error: result.reason };
}

describe('crypto test vectors', () => {
  it('has at least 30 cases, all for the crypto runner, with unique ids', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const f of files) expect(f.runner, f.file).toBe('crypto');
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('includes the 12 "Taming the many EdDSAs" cases and the four RFC 8032 vectors', () => {
    expect(cases.filter((c) => c.id.startsWith('crypto-verify-taming-'))).toHaveLength(12);
    expect(cases.filter((c) => c.id.startsWith('crypto-verify-rfc8032-') && c.expected.ok)).toHaveLength(4);
  });

  for (const c of cases) {
    it(`${c.id}`, () => {
      const input = c.input;
      if (input['op'] === 'verify') {
        const args = [h(s(input, 'publicKey')), h(s(input, 'message')), h(s(input, 'signature'))] as const;
        // Both paths, and the vector, agree: outcome and failure code.
        expect(asExpected(verifyReferenceDetailed(...args))).toEqual(c.expected);
        expect(asExpected(verifyFastDetailed(...args))).toEqual(c.expected);
        return;
      }
      if (!c.expected.ok) {
        let code: string | undefined;
        try {
          run(input);
        } catch (err) {
          if (!isBabyError(err)) throw err;
          code = err.code;
        }
        expect(code).toBe(c.expected.error);
        return;
      }
      const output = run(input);
      for (const [key, want] of Object.entries(c.expected)) if (key !== 'ok') expect(output[key], key).toEqual(want);
    });
  }
});
