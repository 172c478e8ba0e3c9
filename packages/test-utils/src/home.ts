// The one validator home of the tests: a directory with the genesis, keys and config of a chain whose only
// validator is this node, written by the node's own `initSoloHome` (what `baby init --chain-id` writes), so that a
// test runs a node, or a launcher over one, from the files a real one reads.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InitHomeResult, InitSoloHomeOptions } from '@babychain/node';

export interface ValidatorHomeOptions extends Partial<Omit<InitSoloHomeOptions, 'home'>> {
  /** the directory the home is made in; the OS temp directory by default */
  readonly parent?: string;
}

export interface ValidatorHome extends InitHomeResult {
  readonly home: string;
  readonly validatorSeed: Uint8Array;
}

/**
 * A fresh home in a new temporary directory: chain `test-1`, moniker `solo`, any free ports, a random validator key
 * unless given. The caller removes it.
 */
export async function makeValidatorHome(options: ValidatorHomeOptions = {}): Promise<ValidatorHome> {
  // Imported here, so that a test wanting only SeededRandom or a FakeNode does not load the node and libp2p.
  const { initSoloHome } = await import('@babychain/node');
  const { parent = tmpdir(), ...init } = options;
  const home = mkdtempSync(join(parent, 'babychain-home-'));
  const result = await initSoloHome({ chainId: 'test-1', moniker: 'solo', p2pPort: 0, rpcPort: 0, ...init, home });
  return { ...result, home };
}
