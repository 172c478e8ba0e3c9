/**
 * The console's files as the RPC server serves them: built from `app/` with esbuild in a source checkout, or read
 * from the `console/` directory a release ships beside its bundle (so a node started by a launcher serves the
 * console of its own release, never one from another tree).
 */
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
 * Bundles the console: `index.html`, `console.js` (ES module, minified) and `console.css` (ours and uPlot's),
 * sorted by path. The same sources and dependencies give the same bytes wherever the tree lives (a release's
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
  const files = result.outputFiles.map((f) => file(`/${f.path.split('/').pop() ?? ''}`, f.contents));
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

function byPath(a: ConsoleFile, b: ConsoleFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function file(path: string, bytes: Uint8Array): ConsoleFile {
  return { path, bytes, type: TYPES[extname(path)] ?? 'application/octet-stream' };
}
