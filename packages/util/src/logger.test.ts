import { describe, expect, it } from 'vitest';
import { lineFields, loggerTo } from './logger.ts';

describe('loggerTo', () => {
  it('hands each line to the function, a child its bindings under the line context', () => {
    const lines: unknown[][] = [];
    const log = loggerTo((...line) => lines.push(line));
    const err = new Error('boom');
    log.info('plain');
    log.child({ component: 'p2p', peer: 'a' }).warn('bound', { peer: 'b' }, err);
    expect(lines).toEqual([
      ['info', 'plain', undefined, undefined],
      ['warn', 'bound', { component: 'p2p', peer: 'b' }, err],
    ]);
  });
});

describe('lineFields', () => {
  it('writes a bigint of the context as its exact decimal string, not a number that loses digits past 2^53', () => {
    const err = new Error('boom');
    const fields = lineFields({ height: 2n ** 60n + 1n, peer: 'a', n: 3 }, err);
    expect(fields).toEqual({ height: '1152921504606846977', peer: 'a', n: 3, err });
    expect(JSON.parse(JSON.stringify({ height: fields['height'] })).height).toBe('1152921504606846977');
  });
});
