/**
 * The console's files as the RPC server serves them: built from `app/` with esbuild in a source checkout, or read
 * from the `console/` directory a release ships beside its bundle (so a node started by a launcher serves the
 * console of its own release, never one from another tree).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Metafile, Plugin } from 'esbuild';

/** One file of the console: the URL path it is served at, its bytes and its media type. */
export interface ConsoleFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly type: string;
}

/** The files of the console, keyed by URL path (`/` is the page). */
export type ConsoleAssets = ReadonlyMap<string, ConsoleFile>;

/** The directory of a release's console files, relative to the release's entry file. */
export const RELEASE_CONSOLE_DIR = 'console';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Where this file's `app/` is: packages/web/src/ in a source tree, the release directory in a release bundle. */
const HERE = import.meta.dirname;

/** The entry module and the page, as named in index.html. */
const ENTRY = 'main.ts';
const PAGE = 'index.html';

export interface ConsoleBuildOptions {
  /**
   * The repository whose `packages/web/src/app/` to build (`baby release build --source`); default: the one this
   * code runs from.
   */
  readonly source?: string;
  /** Resolution for a source tree without node_modules: the release build resolves through its own repository. */
  readonly plugins?: readonly Plugin[];
  readonly nodePaths?: readonly string[];
}

/** The built files and esbuild's metafile (what went in, what each output imports), for checks on the bundle. */
export interface ConsoleBuild {
  readonly files: ConsoleFile[];
  readonly metafile: Metafile;
}

/**
 * Bundles the console: `index.html`, `console.js` (ES module, minified), the `chunk-<sha256>.js` files of the views
 * loaded when first opened and of what they share, and `console.css` (ours and uPlot's), sorted by path. The same sources and dependencies give the same bytes wherever the tree lives (a release's
 * REL-6): no paths, no comments, no source maps reach the output. Needs esbuild, which a source checkout has and a
 * release does not.
 */
export async function bundleConsole(options: ConsoleBuildOptions = {}): Promise<ConsoleBuild> {
  const appDir =
    options.source === undefined ? join(HERE, 'app') : join(options.source, 'packages', 'web', 'src', 'app');
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { console: join(appDir, ENTRY) },
    absWorkingDir: options.source ?? join(HERE, '..', '..', '..'),
    bundle: true,
    platform: 'browser',
    conditions: ['browser'],
    format: 'esm',
    // The wallet and node views load when first opened (shell.ts): the first page waits for less script.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    metafile: true,
    outdir: '/console',
    logLevel: 'silent',
    loader: { '.css': 'css' },
    plugins: [...(options.plugins ?? [])],
    nodePaths: [...(options.nodePaths ?? [])],
  });
  // esbuild keeps a service process for the next build; a node builds once, so it should not keep one around.
  await esbuild.stop();
  const files = stableChunkNames(
    result.outputFiles.map((f) => ({ name: f.path.split('/').pop() ?? '', text: f.text })),
  ).map((f) => file(`/${f.name}`, new TextEncoder().encode(f.text)));
  files.push(file(`/${PAGE}`, readFileSync(join(appDir, PAGE))));
  return { files: files.sort(byPath), metafile: result.metafile };
}

/** The console's files (bundleConsole without the metafile). */
export async function buildConsole(options: ConsoleBuildOptions = {}): Promise<ConsoleFile[]> {
  return (await bundleConsole(options)).files;
}

/**
 * The console to serve: a release's `console/` directory when this code runs from a release bundle (`dir` is the
 * directory of the bundle, by default this module's own, which in baby.mjs is the release's), else a fresh build of
 * the source tree. The reason instead when neither is possible (a release built without it).
 */
export async function loadConsole(dir: string = HERE): Promise<{ files: ConsoleAssets } | { missing: string }> {
  const shipped = join(dir, RELEASE_CONSOLE_DIR);
  let files: ConsoleFile[];
  if (existsSync(shipped)) {
    files = readdirSync(shipped)
      .sort()
      .map((name) => file(`/${name}`, readFileSync(join(shipped, name))));
  } else if (existsSync(join(HERE, 'app', ENTRY))) {
    try {
      files = await buildConsole();
    } catch (err) {
      return { missing: `building the console failed: ${(err as Error).message}` };
    }
  } else {
    return { missing: `this release ships no ${RELEASE_CONSOLE_DIR}/ directory` };
  }
  const assets = new Map<string, ConsoleFile>(files.map((f) => [f.path, f]));
  const page = assets.get(`/${PAGE}`);
  if (page === undefined) return { missing: `the console has no ${PAGE}` };
  assets.set('/', { ...page, path: '/' });
  return { files: assets };
}

const CHUNK_NAME = /chunk-[A-Z0-9]+\.js/g;

/**
 * Renames esbuild's chunks after their own content. esbuild's chunk hash also covers where the inputs were (a release
 * built from a clone reaches the dependencies by another relative path), which REL-6 forbids: here a chunk's name is
 * the SHA-256 of its text with every chunk name in it blanked, so only the code decides it.
 */
function stableChunkNames(files: readonly { name: string; text: string }[]): { name: string; text: string }[] {
  const renamed = new Map<string, string>();
  for (const f of files) {
    if (!/^chunk-[A-Z0-9]+\.js$/.test(f.name)) continue;
    const digest = createHash('sha256').update(f.text.replace(CHUNK_NAME, 'chunk-.js')).digest('hex');
    renamed.set(f.name, `chunk-${digest.slice(0, 16).toUpperCase()}.js`);
  }
  return files.map((f) => ({
    name: renamed.get(f.name) ?? f.name,
    text: f.text.replace(CHUNK_NAME, (n) => renamed.get(n) ?? n),
  }));
}

function byPath(a: ConsoleFile, b: ConsoleFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function file(path: string, bytes: Uint8Array): ConsoleFile {
  return { path, bytes, type: TYPES[extname(path)] ?? 'application/octet-stream' };
}
