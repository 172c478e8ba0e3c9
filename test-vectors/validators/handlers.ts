// The validator runners of test-vectors/README.md (`validator-possession`, `validator-change`, `validator-set`,
// `validator-evidence`, `validator-jailing`, `genesis-collect`) on this implementation.
import type { GovState, Validator } from '@babychain/codec';
import { bytesEqual, create, fromHex, fromJson, isBabyError, toHex } from '@babychain/codec';
import { resolveEvidence, ValidatorSet } from '@babychain/consensus';
import { genesisDraftFromJson, genesisHash, genesisToJson } from '@babychain/state';
import type { ValidatorChange } from '@babychain/upgrade';
import {
  admissibleOffences,
  applyChange,
  checkChangeShape,
  checkOffences,
  collectGenesis,
  jailOffenders,
  recordSets,
  shiftSets,
  verifyPossession,
} from '@babychain/upgrade';

type Input = Record<string, unknown>;
type Handler = (input: Input) => Record<string, unknown>;

export const validatorHandlers: Record<string, Handler> = {
  'validator-possession'(input) {
    const entry = {
      publicKey: fromHex(input['publicKey'] as string),
      power: BigInt(input['power'] as string),
      name: input['name'] as string,
      operator: fromHex(input['operator'] as string),
    };
    verifyPossession(input['chainId'] as string, entry, fromHex(input['possession'] as string));
    return {};
  },

  /** VAL-4, VAL-5: what submission checks before any state is read */
  'validator-change'(input) {
    checkChangeShape(changeOf(input['change'] as Record<string, string>), input['chainId'] as string);
    return {};
  },

  'genesis-collect'(input) {
    const draft = genesisDraftFromJson(input['draft']);
    const texts = input['submissions'] as string[];
    const genesis = collectGenesis(
      draft,
      texts.map((text, i) => ({ file: `submission-${i}`, text })),
    );
    return { genesisHash: toHex(genesisHash(genesis)), validators: genesisToJson(genesis).validators };
  },

  /** VAL-2..VAL-7 through the record's lists, block by block, as governance runs them after its tallies */
  'validator-set'(input) {
    const chainId = input['chainId'] as string;
    const genesisList = (input['validators'] as Record<string, string>[]).map(validatorOf);
    const genesis = create('babychain.v0.Genesis', {
      chainId,
      validators: genesisList.map((v) => ({ ...v })),
    });
    const state: GovState = create('babychain.v0.GovState', { appVersion: 1 });
    const heights: Record<string, string>[] = [];
    const outcomes: string[][] = [];
    const hashOf = (set: readonly Validator[]) => toHex(ValidatorSet.fromGenesis(set).hash);
    (input['blocks'] as { passed: Record<string, string>[] }[]).forEach((block, i) => {
      const sets = recordSets(genesis, state);
      heights.push({
        height: String(i + 1),
        validatorsHash: hashOf(sets.current),
        nextValidatorsHash: hashOf(sets.next),
      });
      let candidate: Validator[] | undefined;
      const results: string[] = [];
      for (const json of block.passed) {
        const change = changeOf(json);
        try {
          // A passed change held its stateless checks at submission (VAL-4, VAL-5); passing runs VAL-6.
          candidate = applyChange(sets.next, candidate ?? sets.next, change, state.jailed);
          results.push('applied');
        } catch (err) {
          if (!isBabyError(err)) throw err;
          results.push(err.code);
        }
      }
      outcomes.push(results);
      shiftSets(state, sets, candidate);
    });
    const end = recordSets(genesis, state);
    const n = outcomes.length;
    heights.push({ height: String(n + 1), validatorsHash: hashOf(end.current), nextValidatorsHash: hashOf(end.next) });
    const last = ValidatorSet.fromGenesis(end.next).validators.map((v) => ({
      publicKey: toHex(v.publicKey),
      power: v.power.toString(),
    }));
    return { heights, outcomes, last };
  },

  /** CONS-13 (and CONS-9 under set(e)) for one piece of evidence, with the sets this node holds */
  'validator-evidence'(input) {
    const sets = new Map<bigint, ValidatorSet>();
    for (const s of input['sets'] as { height: string; validators: Record<string, string>[] }[]) {
      const list = s.validators.map((v) => ({
        name: '',
        publicKey: fromHex(v['publicKey'] as string),
        power: BigInt(v['power'] as string),
      }));
      sets.set(BigInt(s.height), ValidatorSet.fromGenesis(list));
    }
    const offence = resolveEvidence(
      input['chainId'] as string,
      BigInt(input['height'] as string),
      fromJson('babychain.v0.DuplicateVoteEvidence', input['evidence']),
      (h) => sets.get(h),
    );
    return { offence: { publicKey: toHex(offence.publicKey), height: offence.height.toString() } };
  },

  /**
   * VAL-9..VAL-11 block by block, in the order of governance's end of block: the offences' checks (a refused block
   * is not committed and changes nothing), the changes that pass, VAL-7's shift, then the jailing and the record.
   */
  'validator-jailing'(input) {
    const genesis = create('babychain.v0.Genesis', {
      chainId: input['chainId'] as string,
      validators: (input['validators'] as Record<string, string>[]).map(validatorOf),
    });
    const appVersion = input['appVersion'] as number;
    const state: GovState = create('babychain.v0.GovState', { appVersion });
    let height = BigInt((input['fromHeight'] as string | undefined) ?? '1');
    const blocks: Record<string, unknown>[] = [];
    for (const block of input['blocks'] as { offences: Record<string, string>[]; passed: Record<string, string>[] }[]) {
      const offences = block.offences.map((o) => ({
        publicKey: fromHex(o['publicKey'] as string),
        height: BigInt(o['height'] as string),
      }));
      const admitted = admissibleOffences(state, appVersion, offences);
      try {
        checkOffences(state, appVersion, offences);
      } catch (err) {
        if (!isBabyError(err)) throw err;
        blocks.push({ height: height.toString(), admitted, error: err.code });
        continue;
      }
      const sets = recordSets(genesis, state);
      let candidate: Validator[] | undefined;
      const outcomes: string[] = [];
      for (const json of block.passed) {
        const change = changeOf(json);
        try {
          candidate = applyChange(sets.next, candidate ?? sets.next, change, state.jailed);
          if (change.case === 'unjailValidator') {
            state.jailed = state.jailed.filter((j) => !bytesEqual(j.publicKey, change.value.publicKey));
          }
          outcomes.push('applied');
        } catch (err) {
          if (!isBabyError(err)) throw err;
          outcomes.push(err.code);
        }
      }
      shiftSets(state, sets, candidate);
      jailOffenders(state, sets, height, offences);
      const list = (set: readonly Validator[]) =>
        set.map((v) => ({ publicKey: toHex(v.publicKey), power: v.power.toString() }));
      blocks.push({
        height: height.toString(),
        admitted,
        outcomes,
        last: list(state.lastValidators),
        current: list(state.validators),
        next: list(state.nextValidators),
        jailed: state.jailed.map((j) => ({
          publicKey: toHex(j.publicKey),
          evidenceHeight: j.evidenceHeight.toString(),
          jailedHeight: j.jailedHeight.toString(),
          power: j.validator === undefined ? null : j.validator.power.toString(),
        })),
        evidence: state.evidence.map((e) => ({ height: e.height.toString(), publicKey: toHex(e.publicKey) })),
      });
      height++;
    }
    return { blocks };
  },
};

function validatorOf(json: Record<string, string>): Validator {
  return {
    publicKey: fromHex(json['publicKey'] as string),
    power: BigInt(json['power'] as string),
    name: json['name'] as string,
    operator: fromHex(json['operator'] as string),
  };
}

function changeOf(json: Record<string, string>): ValidatorChange {
  const publicKey = fromHex(json['publicKey'] as string);
  switch (json['kind']) {
    case 'add':
      return {
        case: 'addValidator',
        value: { ...validatorOf(json), possession: fromHex(json['possession'] as string) },
      };
    case 'remove':
      return { case: 'removeValidator', value: { publicKey } };
    case 'set-power':
      return { case: 'setValidatorPower', value: { publicKey, power: BigInt(json['power'] as string) } };
    case 'unjail':
      // VAL-11: an absent power (0 on the wire) is the power it had
      return { case: 'unjailValidator', value: { publicKey, power: BigInt(json['power'] ?? '0') } };
    default:
      throw new Error(`unknown change kind ${String(json['kind'])}`);
  }
}
