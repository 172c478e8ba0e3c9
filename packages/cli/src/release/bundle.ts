/**
 * The `baby` CLI of a source tree as one ES module plus the files its dependencies read at run time (REL-5).
 * Only relative paths may reach the output: the same commit and lockfile must give the same bytes wherever the
 * source tree and the repository happen to live (REL-6).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { BabyError } from '@babychain/codec';
import { buildConsole, RELEASE_CONSOLE_DIR } from '@babychain/web';
import type { Plugin } from 'esbuild';
import { CliErrorCode } from '../errors.ts';

/** The file a release runs: `node <dir>/baby.mjs start --home <home>`. */
export const RELEASE_ENTRY = 'baby.mjs';
/** The identifier the node's version.ts reads when bundled (packages/node/src/version.ts). */
const VERSION_GLOBAL = 'BABY_RELEASE_VERSION';
/** The release directory at run time, set by the banner; dependencies that locate files find them under it. */
const ROOT_GLOBAL = '__babyReleaseRoot';

/** One file of a release besides the bundle: its path in the release and its bytes. */
export interface ReleaseFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly executable: boolean;
}

export interface BundleOptions {
  /** the source tree: packages/<pkg>/src/index.ts for every @babychain/<pkg> */
  readonly source: string;
  /** the repository whose installed node_modules (its lockfile) provide the third-party packages */
  readonly depsRoot: string;
  /** the release version the bundled node reports */
  readonly version: string;
  /** `<os>-<arch>` of the native modules to ship */
  readonly platform: string;
}

/**
 * Packages that read their own files at run time: which of their files to ship, under
 * `node_modules/<pkg>/` in the release, where their `__dirname` then points.
 */
const RUNTIME_FILES: Readonly<Record<string, (pkgDir: string, platform: string) => string[]>> = {
  // node-gyp-build loads prebuilds/<platform>-<arch>[+arch...]/*.node from the package directory.
  'classic-level': (pkgDir, platform) => {
    const [os, arch] = platform.split('-') as [string, string];
    return listFiles(join(pkgDir, 'prebuilds'))
      .filter((f) => {
        const [tupleOs, archs] = (f.split('/')[0] ?? '').split('-');
        return tupleOs === os && (archs ?? '').split('+').includes(arch);
      })
      .map((f) => `prebuilds/${f}`);
  },
  // The /docs route serves these and reads the logo when it registers.
  '@fastify/swagger-ui': (pkgDir) => listFiles(join(pkgDir, 'static')).map((f) => `static/${f}`),
};

/** Builds the bundle; returns the entry and the runtime files, sorted by path. */
export async function bundleCli(options: BundleOptions): Promise<ReleaseFile[]> {
  // esbuild is loaded only here so a bundled node (which ships without it) still starts.
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (err) {
    throw new BabyError(
      CliErrorCode.BUNDLE_FAILED,
      `release build needs esbuild, which a release does not ship: run it from a source checkout (${(err as Error).message})`,
    );
  }
  const entry = join(options.source, 'packages', 'cli', 'src', 'main.ts');
  if (!existsSync(entry)) {
    throw new BabyError(CliErrorCode.BAD_SOURCE, `${options.source} has no packages/cli/src/main.ts`, {
      source: options.source,
    });
  }
  const packageDirs = new Map<string, string>();
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: options.source,
      outfile: join(options.source, RELEASE_ENTRY),
      write: false,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: false,
      legalComments: 'eof',
      charset: 'utf8',
      logLevel: 'silent',
      external: ['esbuild'],
      nodePaths: [join(options.depsRoot, 'node_modules', '.pnpm', 'node_modules')],
      define: { [VERSION_GLOBAL]: JSON.stringify(options.version) },
      // CommonJS dependencies expect require, __filename and __dirname, which an ES module lacks.
      banner: {
        js: [
          "import { createRequire as __babyCreateRequire } from 'node:module';",
          "import { fileURLToPath as __babyFileURLToPath } from 'node:url';",
          "import { dirname as __babyDirname } from 'node:path';",
          'const require = __babyCreateRequire(import.meta.url);',
          'const __filename = __babyFileURLToPath(import.meta.url);',
          'const __dirname = __babyDirname(__filename);',
          `const ${ROOT_GLOBAL} = __dirname;`,
        ].join('\n'),
      },
      plugins: [workspacePlugin(options), runtimeFilesPlugin(packageDirs)],
    });
  } catch (err) {
    throw new BabyError(CliErrorCode.BUNDLE_FAILED, `bundling ${entry} failed: ${esbuildErrors(err)}`, {
      source: options.source,
    });
  }
  const output = result.outputFiles?.[0];
  if (output === undefined) throw new BabyError(CliErrorCode.BUNDLE_FAILED, 'esbuild produced no output');
  const files: ReleaseFile[] = [{ path: RELEASE_ENTRY, bytes: normalizePaths(output.text, options), executable: true }];
  for (const [pkg, pkgDir] of [...packageDirs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const list = RUNTIME_FILES[pkg]?.(pkgDir, options.platform) ?? [];
    for (const file of list) {
      // The installed file's mode varies with how it was unpacked; only what is loaded as code is executable.
      files.push({
        path: `node_modules/${pkg}/${file}`,
        bytes: new Uint8Array(readFileSync(join(pkgDir, file))),
        executable: file.endsWith('.node'),
      });
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * `@babychain/<pkg>` is the source tree's packages/<pkg>/src/index.ts. A third-party import from a workspace
 * package resolves as it would from that package in the dependency repository, so a bare checkout without
 * node_modules builds against the lockfile in force.
 */
function workspacePlugin(options: BundleOptions, target: 'node' | 'browser' = 'node'): Plugin {
  const packagesDir = join(options.source, 'packages');
  return {
    name: 'babychain-workspace',
    setup(build) {
      build.onResolve({ filter: /^@babychain\/[^/]+$/ }, (args) => {
        const pkg = args.path.slice('@babychain/'.length);
        const index = join(
          packagesDir,
          pkg,
          target === 'browser' ? browserEntry(join(packagesDir, pkg)) : 'src/index.ts',
        );
        if (!existsSync(index)) return { errors: [{ text: `${args.path}: no ${relative(options.source, index)}` }] };
        return { path: index };
      });
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'babychain-workspace' || args.path.startsWith('node:')) return undefined;
        const rel = relative(packagesDir, args.importer);
        if (rel.startsWith('..') || rel === args.importer) return undefined;
        const pkg = rel.split(sep)[0] as string;
        // A package the dependency repository lacks falls back to nodePaths (every installed package).
        const fromDir = join(options.depsRoot, 'packages', pkg);
        if (!existsSync(join(fromDir, 'node_modules'))) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: fromDir,
          pluginData: 'babychain-workspace',
        });
        return resolved.errors.length > 0 ? { errors: resolved.errors } : resolved;
      });
    },
  };
}

/**
 * The file a browser build takes for a workspace package: its `exports`' `browser` entry when it has one (util and
 * crypto swap their node: files out), else its entry, as esbuild's `browser` condition would pick from node_modules.
 */
function browserEntry(pkgDir: string): string {
  let exports: unknown;
  try {
    exports = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports?: unknown }).exports;
  } catch {
    return 'src/index.ts';
  }
  const root =
    typeof exports === 'object' && exports !== null && '.' in exports ? (exports as { '.': unknown })['.'] : exports;
  if (typeof root === 'string') return root;
  if (typeof root === 'object' && root !== null) {
    const { browser, default: fallback } = root as { browser?: unknown; default?: unknown };
    if (typeof browser === 'string') return browser;
    if (typeof fallback === 'string') return fallback;
  }
  return 'src/index.ts';
}

/**
 * The web console of the source tree (RPC-19), as `console/<file>` of the release: the launcher's node serves
 * the console of its own release. Bundled by @babychain/web's own build (one place for its options), resolving
 * like the CLI bundle: the checkout's packages, the dependency repository's third-party packages.
 */
export async function bundleConsoleFiles(options: BundleOptions): Promise<ReleaseFile[]> {
  let files: Awaited<ReturnType<typeof buildConsole>>;
  try {
    files = await buildConsole({
      source: options.source,
      plugins: [workspacePlugin(options, 'browser')],
      nodePaths: [join(options.depsRoot, 'node_modules', '.pnpm', 'node_modules')],
    });
  } catch (err) {
    throw new BabyError(CliErrorCode.BUNDLE_FAILED, `bundling the web console failed: ${esbuildErrors(err)}`, {
      source: options.source,
    });
  }
  return files.map((f) => ({ path: `${RELEASE_CONSOLE_DIR}${f.path}`, bytes: f.bytes, executable: false }));
}

/** Points `__dirname` of the RUNTIME_FILES packages into the release and records where each package lives. */
function runtimeFilesPlugin(packageDirs: Map<string, string>): Plugin {
  const names = Object.keys(RUNTIME_FILES);
  return {
    name: 'babychain-runtime-files',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, (args) => {
        const found = packageOf(args.path, names);
        if (found === undefined) return undefined;
        packageDirs.set(found.name, found.dir);
        const text = readFileSync(args.path, 'utf8');
        if (!/__dirname|__filename/.test(text)) return undefined;
        const relDir = relative(found.dir, dirname(args.path)).split(sep).join('/');
        const dir = `node_modules/${found.name}${relDir === '' ? '' : `/${relDir}`}`;
        const file = args.path.slice(dirname(args.path).length + 1);
        const prelude = `var __dirname = ${ROOT_GLOBAL} + ${JSON.stringify(`/${dir}`)}, __filename = __dirname + ${JSON.stringify(`/${file}`)};`;
        return { contents: `${prelude}\n${text}`, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

function packageOf(path: string, names: readonly string[]): { name: string; dir: string } | undefined {
  const normalized = path.split(sep).join('/');
  for (const name of names) {
    const marker = `/node_modules/${name}/`;
    const at = normalized.lastIndexOf(marker);
    if (at >= 0) return { name, dir: normalized.slice(0, at + marker.length - 1) };
  }
  return undefined;
}

/**
 * esbuild names modules by their path relative to the working directory (the source tree); dependencies live
 * in another repository whose location differs between machines, so that prefix is cut to `node_modules/`.
 */
function normalizePaths(text: string, options: BundleOptions): Uint8Array {
  const rel = relative(options.source, join(options.depsRoot, 'node_modules')).split(sep).join('/');
  const out = rel === 'node_modules' ? text : text.split(`${rel}/`).join('node_modules/');
  return new TextEncoder().encode(out);
}

/** The first errors of a failed esbuild build, with where they are. */
function esbuildErrors(err: unknown): string {
  const errors = (err as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
  return (
    errors
      ?.slice(0, 5)
      .map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text))
      .join('; ') ?? String(err)
  );
}

/** Files under `dir`, relative, `/`-separated, sorted; none when it does not exist. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}
