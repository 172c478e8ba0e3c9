import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import layers from './package-layers.json' with { type: 'json' };

const root = join(import.meta.dirname, '..');
const packageNames = Object.keys(layers).filter((k) => !k.startsWith('$')) as Exclude<
  keyof typeof layers,
  `$${string}`
>[];
/** Built into dist/ and packed for npm (docs/architecture.md, Published packages); every other package is private. */
const published = new Set<string>(layers.$published);

/** The conditions of a package's one entry point: `default`, and `browser` where it has a node-free one. */
function workspaceEntry(pkg: Record<string, unknown>): Record<string, string> {
  const field = pkg['exports'] as string | Record<string, Record<string, string>>;
  return typeof field === 'string' ? { default: field } : (field['.'] ?? {});
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('repository layout', () => {
  it('has exactly the packages of the layer table', () => {
    const dirs = readdirSync(join(root, 'packages')).sort();
    expect(dirs).toEqual([...packageNames].sort());
    expect(packageNames).toEqual(expect.arrayContaining([...published]));
  });

  for (const name of packageNames) {
    describe(`packages/${name}`, () => {
      const dir = join(root, 'packages', name);

      it('exposes src/index.ts as its only entry point', () => {
        const pkg = readJson(join(dir, 'package.json'));
        // One entry point ('.'); crypto, consensus and util add a `browser` condition (a node-free entry,
        // src/browser.ts) but default to src/index.ts. One file per package is the whole public surface: what
        // dependency-cruiser lets other packages import, and what a published package's build starts from.
        const exportsField = pkg['exports'] as string | Record<string, unknown>;
        if (typeof exportsField !== 'string') expect(Object.keys(exportsField)).toEqual(['.']);
        const entry = workspaceEntry(pkg);
        expect(entry['default']).toBe('./src/index.ts');
        if (Object.keys(entry).length > 1) {
          expect(Object.keys(entry).sort()).toEqual(['browser', 'default']);
          expect(entry['browser']).toBe('./src/browser.ts');
        }
        expect(existsSync(join(dir, 'src', 'index.ts'))).toBe(true);
      });

      if (published.has(name)) {
        it('is published as the build of that same entry, and of nothing else', () => {
          // The tarball's exports name dist/ files that scripts/build-package.ts builds from the workspace entry
          // (publishConfig swaps them in at pack time), so what the workspace tests is what ships, and the
          // published surface is the one reviewed. `types` comes first in each condition, as TypeScript requires.
          const pkg = readJson(join(dir, 'package.json'));
          expect(pkg['private']).toBeUndefined();
          const entry = workspaceEntry(pkg);
          const built = (src: string | undefined) => {
            const file = basename(src ?? '', '.ts');
            return { types: `./dist/types/${name}/src/${file}.d.ts`, default: `./dist/${file}.js` };
          };
          const exportsBuilt =
            entry['browser'] === undefined
              ? built(entry['default'])
              : { browser: built(entry['browser']), default: built(entry['default']) };
          expect(pkg['publishConfig']).toEqual({
            exports: { '.': exportsBuilt },
            main: './dist/index.js',
            types: `./dist/types/${name}/src/index.d.ts`,
          });
          expect(JSON.stringify(pkg['publishConfig'])).toMatch(/^\{"exports":\{"\.":\{("browser":\{)?"types"/);
          expect(pkg['files']).toEqual(['dist']);
          expect(pkg['scripts']).toEqual({ prepack: 'node ../../scripts/build-package.ts' });
          expect(pkg['engines']).toEqual({ node: '>=20.19' });
        });
      } else {
        it('is private: only the packages of `$published` reach npm', () => {
          const pkg = readJson(join(dir, 'package.json'));
          expect(pkg['private']).toBe(true);
          expect(pkg['publishConfig']).toBeUndefined();
        });
      }

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
