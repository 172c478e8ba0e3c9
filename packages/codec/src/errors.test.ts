import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BabyError, CodecErrorCode, isBabyError } from './index.ts';

describe('CodecErrorCode', () => {
  it('holds exactly the codes listed in specs/encoding.md', () => {
    const spec = readFileSync(join(import.meta.dirname, '..', '..', '..', 'specs', 'encoding.md'), 'utf8');
    const section = spec.slice(spec.indexOf('## Error codes'));
    const listed = [...section.matchAll(/`(CODEC_[A-Z0-9_]+)`/g)].map((m) => m[1]).sort();
    expect(Object.values(CodecErrorCode).sort()).toEqual(listed);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(CodecErrorCode)).toBe(true);
  });
});

describe('isBabyError', () => {
  it('matches by code when codes are given', () => {
    const err = new BabyError(CodecErrorCode.TRUNCATED, 'cut off', { type: 't', offset: 0 });
    expect(isBabyError(err)).toBe(true);
    expect(isBabyError(err, CodecErrorCode.TRUNCATED)).toBe(true);
    expect(isBabyError(err, CodecErrorCode.OVERSIZED)).toBe(false);
    expect(isBabyError(new Error('x'))).toBe(false);
  });
});
