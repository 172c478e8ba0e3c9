import { describe, expect, it } from 'vitest';
import { parseGroups, parseIndex, parseIntFlag } from './args.ts';

describe('parseGroups', () => {
  it('reads groups separated by | and indexes by ,', () => {
    expect(parseGroups('0,1|2,3')).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(parseGroups(' 0 | 1,2,3 ')).toEqual([[0], [1, 2, 3]]);
  });

  it('rejects a single group, a repeated node and anything that is not an index', () => {
    for (const bad of ['0,1,2,3', '0,1|1,2', '0,a|1', '0,|1', '0|-1', '', undefined]) {
      expect(() => parseGroups(bad), String(bad)).toThrow(expect.objectContaining({ code: 'DEVNET_BAD_ARGS' }));
    }
  });
});

describe('parseIndex and parseIntFlag', () => {
  it('accepts whole numbers only', () => {
    expect(parseIndex('3')).toBe(3);
    for (const bad of ['-1', '1.5', 'x', '', undefined]) {
      expect(() => parseIndex(bad)).toThrow(expect.objectContaining({ code: 'DEVNET_BAD_ARGS' }));
    }
  });

  it('checks the range of a flag and passes an absent flag through', () => {
    expect(parseIntFlag(undefined, 'validators', 1, 64)).toBeUndefined();
    expect(parseIntFlag('4', 'validators', 1, 64)).toBe(4);
    expect(() => parseIntFlag('0', 'validators', 1, 64)).toThrow(/--validators must be a whole number from 1 to 64/);
    expect(() => parseIntFlag('1e3', 'validators', 1, 64)).toThrow(/--validators/);
  });
});
