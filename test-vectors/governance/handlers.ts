// The governance runners of test-vectors/README.md (`release-manifest`, `gov-tally`) on this implementation.
import { BabyError, decode, fromHex } from '@babychain/codec';
import { countVotes, statusName, tallyOutcome, VoteOption, verifyManifest } from '@babychain/upgrade';

type Input = Record<string, unknown>;
type Handler = (input: Input) => Record<string, unknown>;

const OPTIONS: Record<string, number> = {
  yes: VoteOption.YES,
  no: VoteOption.NO,
  abstain: VoteOption.ABSTAIN,
  veto: VoteOption.VETO,
};

export const governanceHandlers: Record<string, Handler> = {
  'release-manifest'(input) {
    const signed = decode('babychain.v0.SignedManifest', fromHex(input['signedManifest'] as string));
    const manifest = verifyManifest(signed, {
      chainId: input['chainId'] as string,
      planName: input['planName'] as string,
      currentVersion: input['currentVersion'] as string,
      nowMs: BigInt(input['nowMs'] as string),
      signers: (input['signers'] as string[]).map((k) => fromHex(k)),
      threshold: input['threshold'] as number,
    });
    return { version: manifest.version };
  },

  'gov-tally'(input) {
    const powers = (input['powers'] as string[]).map((p) => BigInt(p));
    const total = powers.reduce((a, b) => a + b, 0n);
    // A voter's "address" here is its index: one byte is enough for the handful of validators a case has.
    const powerOf = (voter: Uint8Array) => powers[voter[0] as number] ?? 0n;
    const votes = (input['votes'] as { validator: number; option: string }[]).map((v) => {
      const option = OPTIONS[v.option];
      if (option === undefined) throw new BabyError('GOV_BAD_OPTION', `unknown option ${v.option}`);
      return { voter: Uint8Array.of(v.validator), option };
    });
    const attested = [...new Set(input['attested'] as number[])];
    const tally = countVotes(votes, powerOf, total);
    const status = tallyOutcome(input['kind'] as 'software-upgrade' | 'cancel-upgrade' | 'param-change', tally, {
      grownUp: input['maturity'] === 'grown-up',
      attestedPower: attested.reduce((sum, i) => sum + (powers[i] ?? 0n), 0n),
    });
    return {
      status: statusName(status),
      tally: {
        yes: tally.yes.toString(),
        no: tally.no.toString(),
        abstain: tally.abstain.toString(),
        veto: tally.veto.toString(),
        totalPower: tally.totalPower.toString(),
      },
    };
  },
};
