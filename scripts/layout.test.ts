import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import layers from './package-layers.json' with { type: 'json' };

const root = join(import.meta.dirname, '..');
const packageNames = Object.keys(layers).filter((k) => !k.startsWith('$')) as (keyof typeof layers)[];

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('repository layout', () => {
  it('has exactly the packages of the layer table', () => {
    const dirs = readdirSync(join(root, 'packages')).sort();
    expect(dirs).toEqual([...packageNames].sort());
  });

  for (const name of packageNames) {
    describe(`packages/${name}`, () => {
      const dir = join(root, 'packages', name);

      it('exposes src/index.ts as its only entry point', () => {
        const pkg = readJson(join(dir, 'package.json'));
        // One entry point ('.'); crypto and consensus add a `browser` condition (a node-free entry) but default to
        // src/index.ts.
        const exportsField = pkg['exports'] as string | Record<string, Record<string, string>>;
        if (typeof exportsField === 'string') expect(exportsField).toBe('./src/index.ts');
        else {
          expect(Object.keys(exportsField)).toEqual(['.']);
          expect(exportsField['.']?.['default']).toBe('./src/index.ts');
        }
        expect(existsSync(join(dir, 'src', 'index.ts'))).toBe(true);
      });

      it('documents what it owns, does not own and depends on', () => {
        const readme = readFileSync(join(dir, 'README.md'), 'utf8');
        expect(readme).toMatch(/\|\s*Owns\s*\|\s*Does not own\s*\|\s*Depends on\s*\|/);
      });

      it('declares only the workspace dependencies its layer allows, and test-utils only for its tests', () => {
        const pkg = readJson(join(dir, 'package.json'));
        const workspaceDeps = (field: string) =>
          Object.keys((pkg[field] ?? {}) as Record<string, string>)
            .filter((d) => d.startsWith('@babychain/'))
            .map((d) => d.slice('@babychain/'.length));
        for (const dep of workspaceDeps('dependencies')) {
          expect(layers[name] as string[], `${name} -> ${dep}`).toContain(dep);
        }
        for (const dep of workspaceDeps('devDependencies')) {
          expect([...layers[name], 'test-utils'], `${name} -(dev)-> ${dep}`).toContain(dep);
        }
      });
    });
  }
});

describe('error codes', () => {
  // Protocol codes are documented in specs/; tool-only codes (CLI_...) in docs/ or their package README.
  const documented = [
    ...readdirSync(join(root, 'specs')).map((f) => join(root, 'specs', f)),
    ...readdirSync(join(root, 'docs')).map((f) => join(root, 'docs', f)),
    ...packageNames.map((name) => join(root, 'packages', name, 'README.md')),
  ]
    .filter((f) => f.endsWith('.md'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

  const codeTables = packageNames.flatMap((name) => {
    const src = join(root, 'packages', name, 'src');
    return readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => {
        const text = readFileSync(join(src, f), 'utf8');
        return [...text.matchAll(/^\s+[A-Z0-9_]+: '([A-Z][A-Z0-9]*_[A-Z0-9_]+)',$/gm)].map((m) => ({
          code: m[1] as string,
          where: `${name}/${f}`,
        }));
      });
  });

  it('finds the code tables', () => {
    expect(codeTables.length).toBeGreaterThan(40);
  });

  it('defines every code once, across all packages', () => {
    const seen = new Map<string, string>();
    for (const { code, where } of codeTables) {
      expect(seen.get(code), `${code} in ${where} and ${seen.get(code)}`).toBeUndefined();
      seen.set(code, where);
    }
  });

  it('documents every code the code can produce', () => {
    const undocumented = codeTables.filter(({ code }) => !documented.includes(`\`${code}\``)).map((c) => c.code);
    expect(undocumented).toEqual([]);
  });
});
