// The validator runners of test-vectors/README.md (`validator-possession`, `validator-change`, `validator-set`,
// `genesis-collect`) on
// this implementation.
import type { GovState, Validator } from '@babychain/codec';
import { create, fromHex, isBabyError, toHex } from '@babychain/codec';
import { ValidatorSet } from '@babychain/consensus';
import { genesisDraftFromJson, genesisHash, genesisToJson } from '@babychain/state';
import type { ValidatorChange } from '@babychain/upgrade';
import {
  applyChange,
  checkChangeShape,
  collectGenesis,
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
    default:
      throw new Error(`unknown change kind ${String(json['kind'])}`);
  }
}
