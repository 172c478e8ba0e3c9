// The guard crash test's child process (guard.test.ts): opens the double-sign guard on a file and signs the next
// step after the last signed one, forever, printing `height round step signature-hex` once sign() has resolved.
// Usage: node guard-child.testutil.ts <file> <seed-hex> <chain-id>

import { fromHex, toHex } from '@babychain/codec';
import { DoubleSignGuard } from './guard.ts';
import { Step } from './types.ts';

export type SigningStep = typeof Step.PROPOSE | typeof Step.PREVOTE | typeof Step.PRECOMMIT;

/** The block every step of `height` signs in the crash test (a conflicting request uses any other hash). */
export function crashBlockHash(height: bigint): Uint8Array {
  const out = new Uint8Array(32);
  new DataView(out.buffer).setBigUint64(24, height);
  out[0] = 0xab;
  return out;
}

/** The crash test's schedule: PROPOSE, PREVOTE, PRECOMMIT of each height, then the next height, round 0. */
export function nextStep(height: bigint, step: number): { height: bigint; step: SigningStep } {
  if (step === Step.PRECOMMIT) return { height: height + 1n, step: Step.PROPOSE };
  return { height, step: (step + 1) as SigningStep };
}

if (import.meta.main) {
  const [file, seedHex, chainId] = process.argv.slice(2);
  if (file === undefined || seedHex === undefined || chainId === undefined) {
    throw new Error('usage: guard-child.testutil.ts <file> <seed-hex> <chain-id>');
  }
  const guard = await DoubleSignGuard.open(file, fromHex(seedHex), chainId);
  let at = guard.last === undefined ? { height: 1n, step: Step.PROPOSE } : nextStep(guard.last.height, guard.last.step);
  for (;;) {
    const { signature } = await guard.sign({
      step: at.step,
      height: at.height,
      round: 0,
      blockHash: crashBlockHash(at.height),
      timeMs: at.height * 1000n + BigInt(at.step),
    });
    process.stdout.write(`${at.height} 0 ${at.step} ${toHex(signature)}\n`);
    at = nextStep(at.height, at.step);
  }
}
