// The validator runners of test-vectors/README.md (`validator-possession`, `genesis-collect`) on this implementation.
import { fromHex, toHex } from '@babychain/codec';
import { genesisDraftFromJson, genesisHash, genesisToJson } from '@babychain/state';
import { collectGenesis, verifyPossession } from '@babychain/upgrade';

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

  'genesis-collect'(input) {
    const draft = genesisDraftFromJson(input['draft']);
    const texts = input['submissions'] as string[];
    const genesis = collectGenesis(
      draft,
      texts.map((text, i) => ({ file: `submission-${i}`, text })),
    );
    return { genesisHash: toHex(genesisHash(genesis)), validators: genesisToJson(genesis).validators };
  },
};
