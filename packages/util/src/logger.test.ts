import { describe, expect, it } from 'vitest';
import { loggerTo } from './logger.ts';

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
