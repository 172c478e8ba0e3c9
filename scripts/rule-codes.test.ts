// One rule in one place (docs/architecture.md, Conventions): each transaction rule's refusal (a TX_ code) is built
// in one package, which the others call, so that a new spending action or a changed message is written once.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return /\.ts$/.test(e.name) && !/\.(test|testutil|bench)\.ts$/.test(e.name) ? [path] : [];
  });
}

/** code → the packages whose sources build an error with it */
function builders(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const construction = /(?:new BabyError|\bfail|rpcError)\(\s*(?:TxErrorCode\.(\w+)|'(TX_\w+)')/g;
  const codes = readFileSync(join(ROOT, 'packages/state/src/errors.ts'), 'utf8');
  const codeOfKey = (key: string) => new RegExp(`\\b${key}: '(TX_\\w+)'`).exec(codes)?.[1] ?? key;
  for (const pkg of readdirSync(join(ROOT, 'packages'))) {
    for (const file of sources(join(ROOT, 'packages', pkg, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(construction)) {
        const code = m[2] ?? codeOfKey(m[1] as string);
        if (!found.has(code)) found.set(code, new Set());
        found.get(code)?.add(`${pkg} (${relative(ROOT, file)})`);
      }
    }
  }
  return found;
}

describe('transaction rule codes', () => {
  it('are each built in one package', () => {
    const found = builders();
    expect(found.size).toBeGreaterThan(10);
    for (const [code, where] of found) {
      const packages = new Set([...where].map((w) => w.split(' ')[0]));
      expect([code, packages.size, [...where]]).toEqual([code, 1, [...where]]);
    }
  });
});
