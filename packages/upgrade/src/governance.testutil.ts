/**
 * A tiny chain around `createGovernance` for tests: genesis validators and release signers from fixed seeds,
 * accounts in a Map (copy-on-write per block, as the App's are), and blocks run begin → deliver* → end.
 */
import type {
  Account,
  Artifact,
  Genesis,
  GovParams,
  GovState,
  Plan,
  SignedManifest,
  Tx,
  TxBody,
} from '@babychain/codec';
import { type BabyError, compareBytes, encode, isBabyError, sha256, toHex } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed } from '@babychain/crypto';
import type { AccountAccess, CheckedTx, Governance, GovernanceBlock, Offence } from '@babychain/state';
import { createDevGenesis } from '@babychain/state';
import { createGovernance, type GovernanceOptions, type UpgradeHandler } from './governance.ts';
import { signManifest, withSignature } from './manifest.ts';
import { decodeGovRecord, encodeGovRecord } from './record.ts';
import { VoteOption } from './tally.ts';

export const CHAIN_ID = 'gov-test-1';
export const SOURCE_COMMIT = 'a'.repeat(40);

export interface Key {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly address: Uint8Array;
}

export function key(label: string): Key {
  const seed = sha256(new TextEncoder().encode(`babychain gov test ${label}`));
  const publicKey = publicKeyFromSeed(seed);
  return { seed, publicKey, address: addressFromPublicKey(publicKey) };
}

/** four validators of power 10 (unless given), a non-validator with funds, two release signers */
export const validators = [key('v0'), key('v1'), key('v2'), key('v3')] as const;
export const [v0, v1, v2, v3] = validators;
export const alice = key('alice');
export const bob = key('bob');
export const signers = [key('signer0'), key('signer1'), key('signer2')].sort((a, b) =>
  compareBytes(a.publicKey, b.publicKey),
) as readonly Key[];

export const TEST_GOV_PARAMS: GovParams = {
  minDeposit: 1000n,
  babyVotingPeriod: 10n,
  grownUpVotingPeriod: 20n,
  babyUpgradeDelay: 5n,
  grownUpUpgradeDelay: 10n,
  releaseSigners: signers.slice(0, 2).map((s) => s.publicKey),
  releaseThreshold: 2,
};

/** GOV-3: the release the test chain starts on */
export const GENESIS_RELEASE = '1.0.0';

export interface GenesisOptions {
  powers?: readonly bigint[];
  grownUp?: boolean;
  govParams?: GovParams | undefined;
  /** default GENESIS_RELEASE */
  releaseVersion?: string;
  /** VAL-1: the operator of each validator by index; absent: the key's address */
  operators?: readonly (Key | undefined)[];
  /** GEN-5: the app version the chain starts at; default 0 */
  appVersion?: number;
}

export function testGenesis(opts: GenesisOptions = {}): Genesis {
  const powers = opts.powers ?? [10n, 10n, 10n, 10n];
  const genesis = createDevGenesis({
    chainId: CHAIN_ID,
    accounts: [
      { address: alice.address, balance: 100_000n },
      { address: bob.address, balance: 500n },
      ...validators.map((v) => ({ address: v.address, balance: 50_000n })),
    ],
    validators: powers.map((power, i) => {
      const operator = opts.operators?.[i]?.address;
      return {
        name: `v${i}`,
        publicKey: (validators[i] as Key).publicKey,
        power,
        ...(operator === undefined ? {} : { operator }),
      };
    }),
    maturity: opts.grownUp === true ? 1 : 0,
    releaseVersion: opts.releaseVersion ?? GENESIS_RELEASE,
    appVersion: opts.appVersion ?? 0,
  });
  return 'govParams' in opts && opts.govParams === undefined
    ? genesis
    : { ...genesis, govParams: opts.govParams ?? TEST_GOV_PARAMS };
}

export const LINUX = {
  platform: 'linux-x64',
  sha256: sha256(new TextEncoder().encode('linux build')),
  size: 1234n,
  unpackedSize: 4936n,
};
export const DARWIN = {
  platform: 'darwin-arm64',
  sha256: sha256(new TextEncoder().encode('mac build')),
  size: 999n,
  unpackedSize: 3996n,
};

export interface ReleaseOptions {
  planName: string;
  version?: string;
  chainId?: string;
  expiresMs?: bigint;
  artifacts?: Artifact[];
  by?: readonly Key[];
}

/** a manifest signed by `by` (default: the two genesis release signers) */
export function release(opts: ReleaseOptions): SignedManifest {
  const manifest = {
    chainId: opts.chainId ?? CHAIN_ID,
    planName: opts.planName,
    version: opts.version ?? '1.1.0',
    artifacts: opts.artifacts ?? [DARWIN, LINUX],
    expiresMs: opts.expiresMs ?? 10_000_000n,
    sourceCommit: SOURCE_COMMIT,
  };
  let signed: SignedManifest = { manifest, signatures: [] };
  for (const k of opts.by ?? signers.slice(0, 2)) signed = withSignature(signed, signManifest(manifest, k.seed));
  return signed;
}

export function plan(name: string, height: bigint, extra: Partial<Plan> & { version?: string } = {}): Plan {
  const { version, ...rest } = extra;
  return {
    name,
    height,
    appVersion: 1,
    release: release({ planName: name, ...(version === undefined ? {} : { version }) }),
    urls: ['https://releases.example/{sha256}'],
    ...rest,
  };
}

/** a checked transaction from `from` (signatures are the App's business, not governance's) */
export function tx(from: Key, action: NonNullable<TxBody['action']>): CheckedTx {
  const body: TxBody = {
    chainId: CHAIN_ID,
    signer: { key: { case: 'ed25519', value: from.publicKey } },
    nonce: 0n,
    fee: 0n,
    memo: '',
    action,
  };
  const t: Tx = { body, signatures: [] };
  const bytes = encode('babychain.v0.Tx', t);
  return { tx: t, bytes, id: sha256(bytes), sender: from.address };
}

export const submitUpgrade = (from: Key, p: Plan, deposit = 1000n, title = `upgrade ${p.name}`) =>
  tx(from, {
    case: 'submitProposal',
    value: { deposit, title, content: { case: 'softwareUpgrade', value: { plan: p } } },
  });
export const submitCancel = (from: Key, name: string, deposit = 1000n) =>
  tx(from, {
    case: 'submitProposal',
    value: { deposit, title: `cancel ${name}`, content: { case: 'cancelUpgrade', value: { name } } },
  });
export const submitParams = (
  from: Key,
  change: { params?: Genesis['params']; govParams?: GovParams; maturity?: number },
  deposit = 1000n,
) =>
  tx(from, {
    case: 'submitProposal',
    value: { deposit, title: 'params', content: { case: 'paramChange', value: { maturity: 0, ...change } } },
  });
export const vote = (from: Key, proposalId: bigint, option: number) =>
  tx(from, { case: 'vote', value: { proposalId, option } });
export const ready = (from: Key, planName: string) => tx(from, { case: 'signalReady', value: { planName } });
export const attest = (from: Key, planName: string, artifact: { platform: string; sha256: Uint8Array }) =>
  tx(from, { case: 'attestRelease', value: { planName, platform: artifact.platform, sha256: artifact.sha256 } });

/** An App in miniature: the record, the accounts, the height; each block commits or leaves no trace. */
export class TestChain {
  readonly genesis: Genesis;
  readonly gov: Governance;
  record: Uint8Array = new Uint8Array(0);
  readonly accounts = new Map<string, Account>();
  /** the height of the next block */
  height = 1n;
  timeMs = 1_000n;

  constructor(genesis: Genesis, handlers: readonly UpgradeHandler[] = [], options: GovernanceOptions = {}) {
    this.genesis = genesis;
    this.gov = createGovernance(genesis, handlers, options);
    for (const a of genesis.accounts) this.accounts.set(toHex(a.address), { balance: a.balance, nonce: 0n });
  }

  get state(): GovState {
    return decodeGovRecord(this.record);
  }

  balance(k: Key): bigint {
    return this.accounts.get(toHex(k.address))?.balance ?? 0n;
  }

  /**
   * Runs one block; `body` delivers its transactions, `offences` are its evidence's (VAL-9). Throws (committing
   * nothing) if anything throws.
   */
  block(body: (b: GovernanceBlock) => void = () => {}, offences: readonly Offence[] = []): void {
    const scratch = new Map<string, Account>();
    const access: AccountAccess = {
      get: (address) => scratch.get(toHex(address)) ?? this.accounts.get(toHex(address)) ?? { balance: 0n, nonce: 0n },
      set: (address, account) => {
        scratch.set(toHex(address), account);
      },
    };
    const b = this.gov.begin(this.record, { height: this.height, timeMs: this.timeMs, offences }, access);
    body(b);
    const record = b.end();
    this.record = record;
    for (const [k, v] of scratch) this.accounts.set(k, v);
    this.height += 1n;
    this.timeMs += 1_000n;
  }

  /** one block delivering `txs` in order */
  run(...txs: CheckedTx[]): void {
    this.block((b) => {
      txs.forEach((t, i) => {
        b.deliver(t, i);
      });
    });
  }

  /** empty blocks until the next block is `height` */
  advanceTo(height: bigint): void {
    while (this.height < height) this.block();
  }
}

/** a chain where plan `v1` at `height` passed at the end of block 11; the next block is 12 */
export function scheduled(
  handlers: ConstructorParameters<typeof TestChain>[1] = [],
  height = 20n,
  options: GovernanceOptions = {},
): TestChain {
  const chain = new TestChain(testGenesis(), handlers, options);
  chain.run(submitUpgrade(alice, plan('v1', height)));
  chain.run(vote(v0, 1n, VoteOption.YES), vote(v1, 1n, VoteOption.YES), vote(v2, 1n, VoteOption.YES));
  chain.advanceTo(12n);
  return chain;
}

/** the sum of every account's balance */
export function supply(chain: TestChain): bigint {
  let sum = 0n;
  for (const a of chain.accounts.values()) sum += a.balance;
  return sum;
}

/** Runs `fn`, which must throw a BabyError with `code` and a `meta.rule`; returns the error. */
export function expectCode(fn: () => unknown, code: string): BabyError {
  try {
    fn();
  } catch (err) {
    if (!isBabyError(err)) throw err;
    if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`);
    if (typeof err.meta['rule'] !== 'string') throw new Error(`${code} has no meta.rule`);
    return err;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** a chain whose record already runs app version 1 (the upgrade into it is the governance tests' business) */
export function v1Chain(powers?: readonly bigint[]): TestChain {
  const chain = new TestChain(testGenesis(powers === undefined ? {} : { powers }));
  chain.record = encodeGovRecord({ ...chain.state, appVersion: 1 } as GovState);
  return chain;
}
