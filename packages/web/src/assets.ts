/**
 * The console's files as the RPC server serves them: built from `app/` with esbuild in a source checkout, or read
 * from the `console/` directory a release ships beside its bundle (so a node started by a launcher serves the
 * console of its own release, never one from another tree).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

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

const APP_DIR = join(import.meta.dirname, 'app');

/** The entry module and the page, as named in index.html. */
const ENTRY = 'main.ts';
const PAGE = 'index.html';

/**
 * Bundles the console: `index.html`, `console.js` (ES module, minified) and `console.css` (ours and uPlot's).
 * Needs esbuild, which a source checkout has and a release does not.
 */
export async function buildConsole(): Promise<ConsoleFile[]> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { console: join(APP_DIR, ENTRY) },
    bundle: true,
    platform: 'browser',
    conditions: ['browser'],
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    outdir: '/console',
    logLevel: 'silent',
    loader: { '.css': 'css' },
  });
  // esbuild keeps a service process for the next build; a node builds once, so it should not keep one around.
  await esbuild.stop();
  const files = result.outputFiles.map((f) => file(`/${f.path.split('/').pop() ?? ''}`, f.contents));
  files.push(file(`/${PAGE}`, readFileSync(join(APP_DIR, PAGE))));
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * The console to serve: a release's `console/` directory when this code runs from a release bundle, else a fresh
 * build of the source tree. Undefined, with the reason, when neither is possible (a release built without it).
 */
export async function loadConsole(): Promise<{ files: ConsoleAssets } | { missing: string }> {
  const shipped = join(import.meta.dirname, RELEASE_CONSOLE_DIR);
  let files: ConsoleFile[];
  if (existsSync(shipped)) {
    files = readdirSync(shipped).map((name) => file(`/${name}`, readFileSync(join(shipped, name))));
  } else if (existsSync(join(APP_DIR, ENTRY))) {
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

function file(path: string, bytes: Uint8Array): ConsoleFile {
  return { path, bytes, type: TYPES[extname(path)] ?? 'application/octet-stream' };
}
