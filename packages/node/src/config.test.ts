import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBabyError } from '@babychain/codec';
import { DEFAULT_RPC_LIMITS } from '@babychain/rpc';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig, homePaths, readConfig, readSeedFile, writeSeedFile } from './config.ts';

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
  // the numbers themselves are RPC-10's, asserted by the rpc package's tests
  const { rateLimit: _, ...limits } = DEFAULT_RPC_LIMITS;

  it('binds to 127.0.0.1 with CORS off, 600 requests per 10 s, RPC-10 limits, no trusted proxy and the console by default', () => {
    expect(defaultConfig('n', 1, 2).rpc).toEqual({
      host: '127.0.0.1',
      port: 2,
      cors: { origins: [] },
      rateLimit: { max: 600, windowMs: 10_000 },
      limits,
      trustProxy: [],
      console: true,
    });
  });

  it('fills the defaults into a config.json written before CORS and limits existed', () => {
    const home = homeWith({ moniker: 'old', rpc: { host: '127.0.0.1', port: 1234 } });
    expect(readConfig(home).rpc).toEqual({
      host: '127.0.0.1',
      port: 1234,
      cors: { origins: [] },
      rateLimit: { max: 600, windowMs: 10_000 },
      limits,
      trustProxy: [],
      console: true,
    });
    const partial = homeWith({
      moniker: 'p',
      rpc: {
        cors: { origins: ['https://a.example'] },
        rateLimit: { max: 5 },
        limits: { maxConnectionsPerClient: 500 },
        trustProxy: ['10.0.0.0/8'],
      },
    });
    expect(readConfig(partial).rpc).toMatchObject({
      cors: { origins: ['https://a.example'] },
      rateLimit: { max: 5, windowMs: 10_000 },
      limits: { ...limits, maxConnectionsPerClient: 500 },
      trustProxy: ['10.0.0.0/8'],
    });
  });

  it('refuses malformed CORS origins, limits, proxies and console switches', () => {
    for (const [rpc, field] of [
      [{ cors: { origins: 'https://a.example' } }, 'rpc.cors.origins'],
      [{ cors: { origins: [''] } }, 'rpc.cors.origins'],
      [{ rateLimit: { max: 0 } }, 'rpc.rateLimit.max'],
      [{ rateLimit: { windowMs: 1.5 } }, 'rpc.rateLimit.windowMs'],
      [{ host: '' }, 'rpc.host'],
      [{ limits: { maxAnswerBytes: 0 } }, 'rpc.limits.maxAnswerBytes'],
      [{ limits: { idleTimeoutMs: '60s' } }, 'rpc.limits.idleTimeoutMs'],
      [{ limits: { maxSockets: 5 } }, 'rpc.limits.maxSockets'],
      [{ trustProxy: '127.0.0.1' }, 'rpc.trustProxy'],
      [{ console: 'no' }, 'rpc.console'],
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

describe('NodeConfig metrics.listen', () => {
  it('is off by default, takes host:port and [v6]:port, and refuses anything else naming the field', () => {
    expect(readConfig(homeWith({ moniker: 'x' })).metrics).toEqual({ listen: '' });
    for (const listen of ['127.0.0.1:26660', '[::1]:26660', 'localhost:0']) {
      expect(readConfig(homeWith({ moniker: 'x', metrics: { listen } })).metrics.listen).toBe(listen);
    }
    for (const listen of ['26660', '127.0.0.1', '127.0.0.1:99999', ':26660', 7]) {
      expect(() => readConfig(homeWith({ moniker: 'x', metrics: { listen } }))).toThrow(
        expect.objectContaining({ code: 'NODE_BAD_CONFIG', meta: { field: 'metrics.listen' } }),
      );
    }
  });
});

describe('key files', () => {
  it('are readable by their owner only, also over a temp file a crash left readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baby-key-'));
    const path = join(dir, 'priv_validator_key.json');
    writeFileSync(`${path}.tmp`, 'left by a crash mid-write', { mode: 0o644 });
    writeSeedFile(path, new Uint8Array(32).fill(7));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readSeedFile(path)).toEqual(new Uint8Array(32).fill(7));
    rmSync(dir, { recursive: true, force: true });
  });
});
