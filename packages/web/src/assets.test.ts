import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleConsole, type ConsoleBuild, loadConsole, RELEASE_CONSOLE_DIR } from './assets.ts';

/** The acceptance bound on what a browser downloads for the script. */
const MAX_JS_GZIP_BYTES = 150 * 1024;

/** The chunks esbuild splits off, named by their content (assets.ts). */
const CHUNK = /^\/chunk-[A-Z0-9]+\.js$/;

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('buildConsole', () => {
  let built: ConsoleBuild;
  let buildMs: number;

  beforeAll(async () => {
    const started = performance.now();
    built = await bundleConsole();
    buildMs = performance.now() - started;
  }, 60_000);

  const bytesOf = (path: string) => {
    const f = built.files.find((x) => x.path === path);
    if (f === undefined) throw new Error(`no ${path}`);
    return f.bytes;
  };

  it('gives the page, the script, its chunks and the stylesheet, sorted by path, with their media types', () => {
    const paths = built.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths.filter((p) => !CHUNK.test(p))).toEqual(['/console.css', '/console.js', '/index.html']);
    expect(paths.filter((p) => CHUNK.test(p)).length).toBeGreaterThan(1);
    const types: Record<string, string> = {
      js: 'text/javascript; charset=utf-8',
      css: 'text/css; charset=utf-8',
      html: 'text/html; charset=utf-8',
    };
    for (const f of built.files) expect(f.type, f.path).toBe(types[f.path.split('.').pop() ?? '']);
    expect(text(bytesOf('/index.html'))).toContain('src="/console.js"');
    expect(text(bytesOf('/index.html'))).toContain('href="/console.css"');
  });

  it(`keeps the first page's JavaScript under ${MAX_JS_GZIP_BYTES / 1024} KB gzipped; the wallet and node views load later`, () => {
    // What the browser loads before the first render: console.js and what it imports statically, transitively.
    const initial = new Set<string>();
    const visit = (path: string) => {
      if (initial.has(path)) return;
      initial.add(path);
      const source = text(bytesOf(path));
      for (const m of source.matchAll(/(?:^|[;}])import(?:[^'"()]*?from)?\s*["'](\/?\.?\/?chunk-[A-Z0-9]+\.js)["']/g)) {
        visit(`/${(m[1] as string).replace(/^\.?\//, '')}`);
      }
    };
    visit('/console.js');
    const gz = (paths: Iterable<string>) =>
      [...paths].reduce((sum, p) => sum + gzipSync(bytesOf(p), { level: 9 }).length, 0);
    const first = gz(initial);
    const every = gz(built.files.filter((f) => f.path.endsWith('.js')).map((f) => f.path));
    console.info(
      `console: first page ${first} bytes of JavaScript gzipped (${initial.size} files), with every view ${every}; console.css ${bytesOf('/console.css').length}; build ${Math.round(buildMs)} ms`,
    );
    expect(initial.size).toBeGreaterThan(1);
    expect(first).toBeLessThan(MAX_JS_GZIP_BYTES);
    expect(every - first).toBeGreaterThan(20_000); // uPlot and BIP-39's words wait for their views
  });

  it('bundles no node: module (nothing of Node reaches the browser)', () => {
    const inputs = Object.entries(built.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(10);
    expect(inputs.map(([path]) => path).filter((p) => p.startsWith('node:'))).toEqual([]);
    const imported = inputs.flatMap(([, input]) => input.imports.map((i) => i.path));
    expect(imported.filter((p) => p.startsWith('node:'))).toEqual([]);
    const external = Object.values(built.metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external === true).map((i) => i.path),
    );
    expect(external).toEqual([]);
  });

  it('names no other origin in the page or the stylesheet: the console works offline', () => {
    for (const path of ['/index.html', '/console.css']) {
      const source = text(bytesOf(path));
      expect(source, path).not.toMatch(/\b(?:https?|wss?|ftp):/i);
      expect(source, path).not.toMatch(/@import/i);
      // Protocol-relative URLs: in an attribute or a CSS url().
      expect(source, path).not.toMatch(/(?:=\s*["']?|url\(\s*["']?)\/\//i);
    }
    const html = text(bytesOf('/index.html'));
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref, ref).toMatch(/^(?:\/(?!\/)|data:|#)/);
  });

  it('gives the same bytes twice (a release packs them: REL-6)', async () => {
    const again = await bundleConsole();
    expect(again.files.map((f) => [f.path, Buffer.from(f.bytes).toString('base64')])).toEqual(
      built.files.map((f) => [f.path, Buffer.from(f.bytes).toString('base64')]),
    );
  }, 60_000);
});

describe('loadConsole', () => {
  const root = mkdtempSync(join(tmpdir(), 'baby-console-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("serves a release's console/ directory when there is one, the page also at /", async () => {
    const release = join(root, 'release');
    mkdirSync(join(release, RELEASE_CONSOLE_DIR), { recursive: true });
    writeFileSync(join(release, RELEASE_CONSOLE_DIR, 'index.html'), '<!doctype html><p>shipped</p>');
    writeFileSync(join(release, RELEASE_CONSOLE_DIR, 'console.js'), 'export {};');
    const loaded = await loadConsole(release);
    if (!('files' in loaded)) throw new Error(loaded.missing);
    expect([...loaded.files.keys()].sort()).toEqual(['/', '/console.js', '/index.html']);
    expect(text(loaded.files.get('/')?.bytes ?? new Uint8Array())).toBe('<!doctype html><p>shipped</p>');
    expect(loaded.files.get('/')?.type).toBe('text/html; charset=utf-8');
  });

  it('says what is missing when the shipped directory has no page', async () => {
    const release = join(root, 'no-page');
    mkdirSync(join(release, RELEASE_CONSOLE_DIR), { recursive: true });
    writeFileSync(join(release, RELEASE_CONSOLE_DIR, 'console.js'), 'export {};');
    expect(await loadConsole(release)).toEqual({ missing: 'the console has no index.html' });
  });

  it('builds the source tree when there is no console/ directory', async () => {
    const loaded = await loadConsole(join(root, 'nothing-here'));
    if (!('files' in loaded)) throw new Error(loaded.missing);
    const keys = [...loaded.files.keys()].sort().filter((k) => !CHUNK.test(k));
    expect(keys).toEqual(['/', '/console.css', '/console.js', '/index.html']);
  }, 60_000);
});
