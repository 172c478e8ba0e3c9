// Runs test-vectors/state-proof/*.json through this implementation, as the vectors runner will once it has the
// state-proof and state-root handlers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Account } from '@babychain/codec';
import { BabyError, fromHex, toHex } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { accountKey, EMPTY_HASH, valueHash } from './hash.ts';
import { verifyStateProof } from './proof.ts';
import { referenceRoot } from './reference.ts';
import { applyWrites, memoryStore } from './tree.testutil.ts';
import { StateTree } from './tree.ts';

const dir = join(import.meta.dirname, '../../../../test-vectors/state-proof');
interface Case {
  id: string;
  description: string;
  rule: string;
  input: Record<string, unknown>;
  expected: { ok: boolean; error?: string; root?: string };
}
const load = (name: string) =>
  JSON.parse(readFileSync(join(dir, name), 'utf8')) as { runner: string; description: string; cases: Case[] };
const proofs = load('proofs.json');
const roots = load('roots.json');

type AccountJson = { balance: string; nonce: string };
type ProofJson = { key: string; siblings: string[]; otherKey: string; otherValueHash: string };
const account = (j: AccountJson): Account => ({ balance: BigInt(j.balance), nonce: BigInt(j.nonce) });

describe('state-proof vectors', () => {
  it('has at least 20 proof cases, about half of them must-reject, and 8 root cases, with unique ids', () => {
    expect(proofs.runner).toBe('state-proof');
    expect(roots.runner).toBe('state-root');
    expect(proofs.cases.length).toBeGreaterThanOrEqual(20);
    const rejects = proofs.cases.filter((c) => !c.expected.ok).length;
    expect(rejects / proofs.cases.length).toBeGreaterThan(0.35);
    expect(rejects / proofs.cases.length).toBeLessThan(0.65);
    expect(roots.cases.length).toBeGreaterThanOrEqual(8);
    const ids = [...proofs.cases, ...roots.cases].map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const c of proofs.cases) {
    it(`${c.id}: ${c.description}`, () => {
      const input = c.input as { root: string; address: string; account: AccountJson | null; proof: ProofJson };
      const proof = {
        key: fromHex(input.proof.key),
        siblings: input.proof.siblings.map(fromHex),
        otherKey: fromHex(input.proof.otherKey),
        otherValueHash: fromHex(input.proof.otherValueHash),
      };
      const run = () =>
        verifyStateProof(
          fromHex(input.root),
          fromHex(input.address),
          input.account === null ? null : account(input.account),
          proof,
        );
      if (c.expected.ok) {
        run();
      } else {
        expect(run).toThrow(BabyError);
        try {
          run();
        } catch (err) {
          expect((err as BabyError).code).toBe(c.expected.error);
        }
      }
    });
  }

  for (const c of roots.cases) {
    it(`${c.id}: ${c.description}`, async () => {
      const accounts = (c.input['accounts'] as (AccountJson & { address: string })[]).map(
        (a) => [fromHex(a.address), account(a)] as const,
      );
      const leaves = accounts.map(([a, acct]) => [accountKey(a), valueHash(acct)] as const);
      expect(toHex(referenceRoot(leaves))).toBe(c.expected.root);
      const db = memoryStore();
      const tree = await StateTree.open(db, EMPTY_HASH);
      const update = await tree.computeUpdate(new Map(leaves.map(([k, v]) => [toHex(k), v])));
      await applyWrites(db, update.writes);
      tree.commit(update);
      expect(toHex(tree.root)).toBe(c.expected.root);
    });
  }
});
