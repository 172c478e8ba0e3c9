/**
 * The stateless verdicts a node remembers (TX-1…TX-13): a transaction it checked once, at admission or in a
 * proposal, is not verified again in the block that holds it, and one it refused is refused again at once. Each
 * verdict is kept with the fingerprint of the rules it was reached under (UPG-3): passing one app version's rules
 * says nothing of another's.
 */
import { decodeTx, sha256, toHex } from '@babychain/codec';
import type { SignatureVerifier, VerifyResult } from '@babychain/crypto';
import { LruCache } from '@babychain/util';
import type { PrecheckedTx } from './execute.ts';
import type { Governance } from './governance.ts';
import type { CheckedTx, TxSignatureSet } from './stateless.ts';
import { badSignature, checkAction, checkTxBytes, checkTxRules } from './stateless.ts';
import type { VersionRules } from './version-rules.ts';

/** Failed stateless verdicts remembered from `precheckMany`: enough for the admissions that follow it. */
const REFUSED_CACHE_SIZE = 4096;

interface Verdict<T> {
  readonly value: T;
  readonly rules: string;
}

export interface TxVerdictsOptions {
  readonly chainId: () => string;
  readonly governance: Governance | undefined;
  /** at least this many passed transactions are remembered, at most twice as many */
  readonly checkedCacheSize: number;
  /** counts a transaction whose check was skipped because this node had done it */
  readonly onHit: () => void;
}

export class TxVerdicts {
  readonly #o: TxVerdictsOptions;
  readonly #checked: LruCache<string, Verdict<CheckedTx>>;
  readonly #refused = new LruCache<string, Verdict<unknown>>(2 * REFUSED_CACHE_SIZE);

  constructor(options: TxVerdictsOptions) {
    this.#o = options;
    this.#checked = new LruCache(2 * options.checkedCacheSize);
  }

  /**
   * TX-1..TX-13 for one encoding under `rules` (TX-13: the action's own rules), remembered by id when it passes.
   * A transaction remembered under other rules is checked again.
   */
  check(bytes: Uint8Array, id: Uint8Array, rules: VersionRules): PrecheckedTx {
    const idHex = toHex(id);
    const refused = this.#refused.get(idHex);
    if (refused !== undefined && refused.rules === rules.key) return { ok: false, error: refused.value };
    const hit = this.#checked.get(idHex);
    if (hit !== undefined && hit.rules === rules.key) {
      this.#o.onHit();
      return { ok: true, tx: hit.value };
    }
    let checked: CheckedTx;
    try {
      checked = checkTxBytes(bytes, this.#o.chainId(), id, rules.rules);
      checkAction(checked.tx, this.#o.governance);
    } catch (error) {
      if (hit !== undefined) this.#checked.delete(idHex);
      return { ok: false, error };
    }
    this.#checked.set(idHex, { value: checked, rules: rules.key });
    return { ok: true, tx: checked };
  }

  /**
   * TX-1..TX-13 for many transactions at once with their signatures verified by `verifier` (a worker pool),
   * remembering each verdict so that `check` finds it. Never throws for a transaction that fails.
   */
  async checkMany(batch: readonly Uint8Array[], rules: VersionRules, verifier: SignatureVerifier): Promise<void> {
    const waiting: { idHex: string; checked: CheckedTx; signatures: TxSignatureSet[] }[] = [];
    for (const bytes of batch) {
      const id = sha256(bytes);
      const idHex = toHex(id);
      if (this.#checked.get(idHex)?.rules === rules.key || this.#refused.get(idHex)?.rules === rules.key) continue;
      try {
        const tx = decodeTx(bytes);
        const { sender, signatures } = checkTxRules(tx, this.#o.chainId(), rules.rules, bytes);
        waiting.push({ idHex, checked: { tx, bytes, id, sender }, signatures });
      } catch (error) {
        this.#refused.set(idHex, { value: error, rules: rules.key });
      }
    }
    if (waiting.length === 0) return;
    const sets = waiting.flatMap((w) => w.signatures);
    const results = await verifier.verifyBatch(sets);
    // A verifier that answered for fewer sets proved nothing: admission then verifies on this thread.
    if (results.length !== sets.length) return;
    let at = 0;
    for (const w of waiting) {
      let error: unknown;
      for (const set of w.signatures) {
        const result = results[at++] as VerifyResult;
        if (error === undefined && !result.ok) error = badSignature(set.keyIndex, result.reason);
      }
      if (error === undefined) {
        try {
          checkAction(w.checked.tx, this.#o.governance);
        } catch (thrown) {
          error = thrown;
        }
      }
      if (error === undefined) this.#checked.set(w.idHex, { value: w.checked, rules: rules.key });
      else this.#refused.set(w.idHex, { value: error, rules: rules.key });
    }
  }
}
