import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBabyError } from '@babychain/codec';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig, homePaths, readConfig } from './config.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function homeWith(config: unknown): string {
  const home = mkdtempSync(join(tmpdir(), 'babyconfig-'));
  dirs.push(home);
  writeFileSync(homePaths(home).config, JSON.stringify(config));
  return home;
}

describe('NodeConfig rpc section', () => {
  it('binds to 127.0.0.1 with CORS off and 600 requests per 10 s by default', () => {
    expect(defaultConfig('n', 1, 2).rpc).toEqual({
      host: '127.0.0.1',
      port: 2,
      cors: { origins: [] },
      rateLimit: { max: 600, windowMs: 10_000 },
    });
  });

  it('fills the defaults into a config.json written before CORS and rate limits existed', () => {
    const home = homeWith({ moniker: 'old', rpc: { host: '127.0.0.1', port: 1234 } });
    expect(readConfig(home).rpc).toEqual({
      host: '127.0.0.1',
      port: 1234,
      cors: { origins: [] },
      rateLimit: { max: 600, windowMs: 10_000 },
    });
    const partial = homeWith({
      moniker: 'p',
      rpc: { cors: { origins: ['https://a.example'] }, rateLimit: { max: 5 } },
    });
    expect(readConfig(partial).rpc).toMatchObject({
      cors: { origins: ['https://a.example'] },
      rateLimit: { max: 5, windowMs: 10_000 },
    });
  });

  it('refuses malformed CORS origins and rate limits', () => {
    for (const [rpc, field] of [
      [{ cors: { origins: 'https://a.example' } }, 'rpc.cors.origins'],
      [{ cors: { origins: [''] } }, 'rpc.cors.origins'],
      [{ rateLimit: { max: 0 } }, 'rpc.rateLimit.max'],
      [{ rateLimit: { windowMs: 1.5 } }, 'rpc.rateLimit.windowMs'],
      [{ host: '' }, 'rpc.host'],
    ] as const) {
      const err = (() => {
        try {
          readConfig(homeWith({ moniker: 'x', rpc }));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(isBabyError(err, 'NODE_BAD_CONFIG') && err.meta['field']).toBe(field);
    }
  });
});

describe('NodeConfig verifyWorkers', () => {
  it('is auto by default, also for a config.json written before it existed, and takes a count', () => {
    expect(defaultConfig('n', 1, 2).verifyWorkers).toBe('auto');
    expect(readConfig(homeWith({ moniker: 'old' })).verifyWorkers).toBe('auto');
    expect(readConfig(homeWith({ moniker: 'n', verifyWorkers: 0 })).verifyWorkers).toBe(0);
    expect(readConfig(homeWith({ moniker: 'n', verifyWorkers: 3 })).verifyWorkers).toBe(3);
  });

  it('refuses anything but auto or a count from 0 to 64 with NODE_BAD_CONFIG naming it', () => {
    for (const verifyWorkers of [-1, 1.5, 65, 'all', null]) {
      expect(() => readConfig(homeWith({ moniker: 'n', verifyWorkers }))).toThrow(
        expect.objectContaining({ code: 'NODE_BAD_CONFIG', meta: { field: 'verifyWorkers' } }),
      );
    }
  });
});
