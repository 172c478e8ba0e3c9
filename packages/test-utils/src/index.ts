// @babychain/test-utils: what tests, test helpers and benchmarks share (README.md). Production code never imports it.
export { SeededRandom } from './random.ts';
