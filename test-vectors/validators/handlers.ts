// The validator runners of test-vectors/README.md (`validator-possession`) on this implementation.
import { fromHex } from '@babychain/codec';
import { verifyPossession } from '@babychain/upgrade';

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
};
