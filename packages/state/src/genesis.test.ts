import type { GenesisValidator } from '@babychain/codec';
import { BabyError, encode, sha256, toHex } from '@babychain/codec';
import { encodeAddress } from '@babychain/crypto';
import { describe, expect, it } from 'vitest';
import { testKey } from './app.testutil.ts';
import type { GenesisJson } from './genesis.ts';
import {
  createDevGenesis,
  genesisFromJson,
  genesisHash,
  genesisOperator,
  genesisSupply,
  genesisToJson,
  parseGenesis,
  validateGenesis,
} from './genesis.ts';

// The canonical encodings of the 8 points of order dividing 8 (SIG-6).
const SMALL_ORDER_ENCODINGS = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
];

const [alice, bob, v0, v1] = [testKey(0), testKey(1), testKey(10), testKey(11)] as const;

function base(): GenesisJson {
  return {
    chainId: 'babychain-dev-1',
    genesisTimeMs: '1795400000000',
    maturity: 'baby',
    addressPrefix: 'baby',
    params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000 },
    accounts: [
      { address: encodeAddress(alice.address, 'baby'), balance: '1000000000000' },
      { address: encodeAddress(bob.address, 'baby'), balance: '5' },
    ],
    validators: [
      { name: 'validator-0', publicKey: toHex(v0.publicKey), power: '10' },
      { name: 'validator-1', publicKey: toHex(v1.publicKey), power: '10' },
    ],
  };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof BabyError) return err.code;
    throw err;
  }
  return 'accepted';
}

const rejectJson = (mutate: (g: GenesisJson) => unknown) => {
  const g = base();
  const out = mutate(g);
  return code(() => genesisFromJson(out === undefined ? g : out));
};

describe('parseGenesis', () => {
  it('parses the file form into the Genesis message', () => {
    const g = parseGenesis(JSON.stringify(base()));
    expect(g.chainId).toBe('babychain-dev-1');
    expect(g.genesisTimeMs).toBe(1795400000000n);
    expect(g.maturity).toBe(0);
    expect(g.params).toEqual({ minFee: 500n, maxBlockBytes: 1048576n, maxBlockTxs: 5000 });
    expect(g.accounts).toEqual([
      { address: alice.address, balance: 1000000000000n },
      { address: bob.address, balance: 5n },
    ]);
    expect(g.validators[1]).toEqual({
      name: 'validator-1',
      publicKey: v1.publicKey,
      power: 10n,
      operator: new Uint8Array(0),
    });
    expect(genesisSupply(g)).toBe(1000000000005n);
  });

  it("keeps a named operator through the file form and defaults an absent one to the key's address (VAL-1)", () => {
    const json = base();
    json.validators[0] = {
      ...(json.validators[0] as GenesisJson['validators'][0]),
      operator: encodeAddress(alice.address, 'baby'),
    };
    const g = parseGenesis(JSON.stringify(json));
    expect(genesisOperator(g.validators[0] as GenesisValidator)).toEqual(alice.address);
    expect(genesisOperator(g.validators[1] as GenesisValidator)).toEqual(v1.address);
    expect(genesisToJson(g).validators.map((v) => v.operator)).toEqual([
      encodeAddress(alice.address, 'baby'),
      undefined,
    ]);
  });

  it('hashes the canonical encoding and round-trips through genesisToJson', () => {
    const g = parseGenesis(JSON.stringify(base()));
    expect(genesisHash(g)).toEqual(sha256(encode('babychain.v0.Genesis', g)));
    expect(genesisToJson(g)).toEqual(base());
    expect(genesisFromJson(JSON.parse(JSON.stringify(genesisToJson(g))))).toEqual(g);
    const grown = genesisFromJson({ ...base(), maturity: 'grown-up' });
    expect(grown.maturity).toBe(1);
    expect(genesisHash(grown)).not.toEqual(genesisHash(g));
  });

  it('carries governance parameters (GOV-2) through the file form, and keeps the hash of a genesis without them', () => {
    const signers = [v0.publicKey, v1.publicKey].map((k) => toHex(k)).sort();
    const govParams = {
      minDeposit: '7',
      babyVotingPeriod: '6',
      grownUpVotingPeriod: '12',
      babyUpgradeDelay: '3',
      grownUpUpgradeDelay: '6',
      releaseSigners: signers,
      releaseThreshold: 2,
    };
    const plain = genesisFromJson(base());
    const governed = genesisFromJson({ ...base(), govParams, releaseVersion: '1.0.0' });
    expect(governed.govParams?.releaseThreshold).toBe(2);
    expect(genesisToJson(governed)).toEqual({ ...base(), govParams, releaseVersion: '1.0.0' });
    expect(genesisToJson(plain)).toEqual(base());
    expect(genesisHash(governed)).not.toEqual(genesisHash(plain));
    const gov = (p: Partial<typeof govParams>) => (g: GenesisJson) => ({
      ...g,
      govParams: { ...govParams, ...p },
      releaseVersion: '1.0.0',
    });
    expect(rejectJson(gov({ releaseThreshold: 3 }))).toBe('GENESIS_BAD_GOV_PARAMS');
    expect(rejectJson(gov({ releaseSigners: [...signers].reverse() }))).toBe('GENESIS_BAD_GOV_PARAMS');
    expect(rejectJson(gov({ grownUpVotingPeriod: '5' }))).toBe('GENESIS_BAD_GOV_PARAMS');
    expect(rejectJson(gov({ releaseSigners: ['00'] }))).toBe('GENESIS_BAD_GOV_PARAMS');
    expect(rejectJson((g) => ({ ...g, govParams: { minDeposit: '1' } }))).toBe('GENESIS_MALFORMED');
  });

  it('GEN-5, GOV-2: names the release the chain starts on, which release signers need', () => {
    const signers = [v0.publicKey].map((k) => toHex(k));
    const govParams = {
      minDeposit: '7',
      babyVotingPeriod: '6',
      grownUpVotingPeriod: '12',
      babyUpgradeDelay: '3',
      grownUpUpgradeDelay: '6',
      releaseSigners: signers,
      releaseThreshold: 1,
    };
    expect(genesisFromJson({ ...base(), releaseVersion: '0.1.0' }).releaseVersion).toBe('0.1.0');
    expect(genesisFromJson(base()).releaseVersion).toBe('');
    // Absent and "" are the same genesis, with the hash of a genesis from before the field existed.
    expect(genesisHash(genesisFromJson({ ...base(), releaseVersion: '' }))).toEqual(
      genesisHash(genesisFromJson(base())),
    );
    for (const releaseVersion of ['1.0', 'v1.0.0', '01.0.0', '1.0.0-rc1']) {
      expect(
        rejectJson((g) => ({ ...g, releaseVersion })),
        releaseVersion,
      ).toBe('GENESIS_BAD_RELEASE_VERSION');
    }
    expect(rejectJson((g) => ({ ...g, releaseVersion: 1 }))).toBe('GENESIS_MALFORMED');
    // With signers and no release, "above the version in force" (REL-4) would compare with "".
    expect(rejectJson((g) => ({ ...g, govParams }))).toBe('GENESIS_BAD_GOV_PARAMS');
    expect(genesisFromJson({ ...base(), govParams, releaseVersion: '0.1.0' }).govParams?.releaseThreshold).toBe(1);
  });

  it('GOV-2, SIG-9: refuses a release signer that one secret could hold twice (a key plus a torsion point)', () => {
    // RFC 8032 test key 1 and that key plus the order-8 point c7176a70...037a.
    const key = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
    const twin = '9158312a9a8d6e3b34c891d6d61444f8b8211c5117ebad15bdb0bd68b07e0245';
    const govParams = (releaseSigners: string[]) => ({
      minDeposit: '7',
      babyVotingPeriod: '6',
      grownUpVotingPeriod: '12',
      babyUpgradeDelay: '3',
      grownUpUpgradeDelay: '6',
      releaseSigners,
      releaseThreshold: 1,
    });
    const withSigners = (signers: string[]) => ({ ...base(), releaseVersion: '1.0.0', govParams: govParams(signers) });
    expect(genesisFromJson(withSigners([key])).govParams?.releaseSigners).toHaveLength(1);
    expect(rejectJson(() => withSigners([twin, key]))).toBe('GENESIS_BAD_GOV_PARAMS');
    expect(rejectJson(() => withSigners([twin]))).toBe('GENESIS_BAD_GOV_PARAMS');
    expect(rejectJson(() => withSigners([`01${'00'.repeat(31)}`]))).toBe('GENESIS_BAD_GOV_PARAMS');
  });

  it('rejects a chain id that breaks GEN-1', () => {
    for (const chainId of ['', 'Babychain', '1chain', '-chain', 'chain_1', `a${'b'.repeat(48)}`]) {
      expect(
        rejectJson((g) => ({ ...g, chainId })),
        chainId,
      ).toBe('GENESIS_BAD_CHAIN_ID');
    }
    expect(rejectJson((g) => ({ ...g, chainId: `a${'b'.repeat(47)}` }))).toBe('accepted');
  });

  it('rejects an address prefix that breaks GEN-2, and an account address with another prefix', () => {
    for (const addressPrefix of ['', 'baby1', 'Baby', 'a'.repeat(17)]) {
      expect(
        rejectJson((g) => ({ ...g, addressPrefix })),
        addressPrefix,
      ).toBe('GENESIS_BAD_PREFIX');
    }
    expect(
      rejectJson((g) => {
        g.accounts[1] = { address: encodeAddress(bob.address, 'cosmos'), balance: '5' };
      }),
    ).toBe('CRYPTO_WRONG_ADDRESS_PREFIX');
    expect(
      rejectJson((g) => {
        const a = g.accounts[0] as { address: string };
        a.address = `${a.address.slice(0, -1)}${a.address.endsWith('q') ? 'p' : 'q'}`;
      }),
    ).toBe('CRYPTO_BAD_ADDRESS');
  });

  it('rejects parameters and maturity that break GEN-5', () => {
    const params = (p: Partial<GenesisJson['params']>) => (g: GenesisJson) => ({ ...g, params: { ...g.params, ...p } });
    expect(rejectJson(params({ maxBlockBytes: '1023' }))).toBe('GENESIS_BAD_PARAMS');
    expect(rejectJson(params({ maxBlockBytes: '4194305' }))).toBe('GENESIS_BAD_PARAMS');
    expect(rejectJson(params({ maxBlockTxs: 0 }))).toBe('GENESIS_BAD_PARAMS');
    expect(rejectJson(params({ maxBlockBytes: '1024', maxBlockTxs: 1, minFee: '0' }))).toBe('accepted');
    expect(rejectJson(params({ maxBlockBytes: '4194304' }))).toBe('accepted');
    expect(rejectJson((g) => ({ ...g, maturity: 'teenager' }))).toBe('GENESIS_BAD_MATURITY');
  });

  it('rejects accounts that break GEN-3, in file order', () => {
    expect(
      rejectJson((g) => {
        g.accounts.push({ ...(g.accounts[0] as GenesisJson['accounts'][0]) });
      }),
    ).toBe('GENESIS_DUPLICATE_ACCOUNT');
    expect(
      rejectJson((g) => {
        (g.accounts[1] as { balance: string }).balance = '0';
      }),
    ).toBe('GENESIS_ZERO_BALANCE');
    expect(
      rejectJson((g) => {
        (g.accounts[0] as { balance: string }).balance = ((1n << 64n) - 6n).toString();
      }),
    ).toBe('accepted');
    expect(
      rejectJson((g) => {
        (g.accounts[0] as { balance: string }).balance = ((1n << 64n) - 5n).toString();
      }),
    ).toBe('GENESIS_SUPPLY_OVERFLOW');
    // The duplicate comes first in file order, before the zero balance of a later account.
    expect(
      rejectJson((g) => {
        g.accounts.push({ ...(g.accounts[0] as GenesisJson['accounts'][0]) });
        g.accounts.push({ address: encodeAddress(testKey(5).address, 'baby'), balance: '0' });
      }),
    ).toBe('GENESIS_DUPLICATE_ACCOUNT');
  });

  it('accepts a genesis without accounts', () => {
    expect(rejectJson((g) => ({ ...g, accounts: [] }))).toBe('accepted');
  });

  it('rejects validators that break GEN-4, in file order', () => {
    const key = (hex: string) => (g: GenesisJson) => {
      (g.validators[1] as { publicKey: string }).publicKey = hex;
    };
    expect(rejectJson((g) => ({ ...g, validators: [] }))).toBe('GENESIS_NO_VALIDATORS');
    for (const hex of SMALL_ORDER_ENCODINGS) expect(rejectJson(key(hex)), hex).toBe('GENESIS_BAD_VALIDATOR_KEY');
    expect(rejectJson(key(toHex(v1.publicKey).slice(2)))).toBe('GENESIS_BAD_VALIDATOR_KEY'); // 31 bytes
    expect(rejectJson(key(`${'ff'.repeat(31)}7f`))).toBe('GENESIS_BAD_VALIDATOR_KEY'); // y >= p
    expect(rejectJson(key(`02${'00'.repeat(31)}`))).toBe('GENESIS_BAD_VALIDATOR_KEY'); // y = 2: not on the curve
    expect(rejectJson(key(toHex(v0.publicKey)))).toBe('GENESIS_DUPLICATE_VALIDATOR');
    expect(
      rejectJson((g) => {
        (g.validators[0] as { power: string }).power = '0';
      }),
    ).toBe('GENESIS_ZERO_POWER');
    const powers = (a: bigint, b: bigint) => (g: GenesisJson) => {
      (g.validators[0] as { power: string }).power = a.toString();
      (g.validators[1] as { power: string }).power = b.toString();
    };
    expect(rejectJson(powers((1n << 59n) + 1n, (1n << 59n) + 1n))).toBe('GENESIS_POWER_OVERFLOW');
    expect(rejectJson(powers(1n << 59n, 1n << 59n))).toBe('accepted');
  });

  it('checks in GEN-6 order: GEN-1, GEN-2, GEN-5, GEN-3, GEN-4', () => {
    const broken = (g: GenesisJson): GenesisJson => ({
      ...g,
      chainId: 'X',
      addressPrefix: '1',
      params: { ...g.params, maxBlockTxs: 0 },
      maturity: 'old',
      accounts: [...g.accounts, { ...(g.accounts[0] as GenesisJson['accounts'][0]) }],
      validators: [],
    });
    expect(rejectJson(broken)).toBe('GENESIS_BAD_CHAIN_ID');
    expect(rejectJson((g) => ({ ...broken(g), chainId: g.chainId }))).toBe('GENESIS_BAD_PREFIX');
    expect(rejectJson((g) => ({ ...broken(g), chainId: g.chainId, addressPrefix: 'baby' }))).toBe('GENESIS_BAD_PARAMS');
    expect(rejectJson((g) => ({ ...broken(g), chainId: g.chainId, addressPrefix: 'baby', params: g.params }))).toBe(
      'GENESIS_BAD_MATURITY',
    );
    expect(
      rejectJson((g) => ({
        ...broken(g),
        chainId: g.chainId,
        addressPrefix: 'baby',
        params: g.params,
        maturity: 'baby',
      })),
    ).toBe('GENESIS_DUPLICATE_ACCOUNT');
    expect(rejectJson((g) => ({ ...g, validators: [] }))).toBe('GENESIS_NO_VALIDATORS');
  });

  it('rejects what is not JSON of the genesis shape as GENESIS_MALFORMED', () => {
    expect(code(() => parseGenesis('{'))).toBe('GENESIS_MALFORMED');
    expect(code(() => parseGenesis('[]'))).toBe('GENESIS_MALFORMED');
    const malformed: ((g: GenesisJson) => unknown)[] = [
      (g) => {
        (g.accounts[0] as unknown as { balance: number }).balance = 5;
      },
      (g) => ({ ...g, extra: 1 }),
      (g) => {
        delete (g as Partial<GenesisJson>).params;
      },
      (g) => ({ ...g, genesisTimeMs: '-1' }),
      (g) => ({ ...g, genesisTimeMs: '01' }),
      (g) => ({ ...g, genesisTimeMs: (1n << 64n).toString() }),
      (g) => ({ ...g, params: { ...g.params, maxBlockTxs: '5000' } }),
      (g) => ({ ...g, params: { ...g.params, maxBlockTxs: 2 ** 32 } }),
      (g) => ({ ...g, params: { ...g.params, maxBlockTxs: 1.5 } }),
      (g) => ({ ...g, maturity: 0 }),
      (g) => ({ ...g, accounts: {} }),
      (g) => {
        (g.validators[0] as { publicKey: string }).publicKey = 'xyz';
      },
      (g) => {
        (g.validators[0] as unknown as { name: null }).name = null;
      },
    ];
    malformed.forEach((m, i) => {
      expect(rejectJson(m), `case ${i}`).toBe('GENESIS_MALFORMED');
    });
  });
});

describe('createDevGenesis', () => {
  it('fills defaults, accepts text addresses and validates', () => {
    const g = createDevGenesis({
      chainId: 'babychain-devnet-1',
      accounts: [
        { address: alice.address, balance: 10n },
        { address: encodeAddress(bob.address, 'baby'), balance: 20n },
      ],
      validators: [{ name: 'v0', publicKey: v0.publicKey, power: 1n }],
    });
    expect(g.params).toEqual({ minFee: 500n, maxBlockBytes: 1048576n, maxBlockTxs: 5000 });
    expect(g.accounts[1]?.address).toEqual(bob.address);
    expect(() => validateGenesis(g)).not.toThrow();
    expect(code(() => createDevGenesis({ chainId: 'x', accounts: [], validators: [] }))).toBe('GENESIS_NO_VALIDATORS');
    expect(
      code(() =>
        createDevGenesis({
          chainId: 'x',
          accounts: [{ address: new Uint8Array(19), balance: 1n }],
          validators: [{ name: 'v0', publicKey: v0.publicKey, power: 1n }],
        }),
      ),
    ).toBe('CRYPTO_BAD_ADDRESS');
  });
});
