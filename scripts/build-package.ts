/**
 * Builds a published package (docs/architecture.md, Published packages) into its dist/ for `pnpm pack` and
 * `pnpm publish`; the package's `prepack` script runs it from the package's directory (`node build-package.ts [dir]`).
 *
 * - JavaScript: esbuild bundles each entry of the workspace `exports` (src/index.ts, and src/browser.ts where there is
 *   a `browser` condition) into dist/index.js, dist/browser.js: ES modules for Node 20 and browsers. The package's
 *   own code and the private workspace packages it imports are bundled, the latter by their node-free `browser` entry;
 *   published workspace packages and npm packages stay imports, resolved to the one installed copy (codec's BabyError
 *   must be one class: isBabyError uses instanceof).
 * - Types: tsc writes the declarations of the same files into dist/types/, laid out as packages/ is. Those of the
 *   published packages it reaches are dropped (each ships its own), imports of a bundled package point at the
 *   declarations shipped here, and `.ts` specifiers become `.js`.
 *
 * Then it checks what it wrote: every import the output keeps is a dependency of the package, nothing but the package
 * and bundled workspace code went in, an entry a browser loads reaches no `node:` module, and every relative import
 * of a declaration resolves. The workspace never reads dist/: its exports stay src/*.ts, `publishConfig` swaps the
 * dist paths into the packed package.json, and .pnpmfile.cjs drops the bundled packages from its dependencies.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const PACKAGES = join(ROOT, 'packages');
const SCOPE = '@babychain/';

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly exports: string | { readonly '.': Readonly<Record<string, string>> };
  readonly dependencies?: Readonly<Record<string, string>>;
}

interface Entry {
  /** the export condition: `default`, or `browser` for the node-free entry */
  readonly condition: string;
  /** e.g. `src/index.ts` */
  readonly src: string;
  /** e.g. `index`: dist/index.js, dist/types/<pkg>/src/index.d.ts */
  readonly name: string;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** The files the workspace `exports` names (scripts/layout.test.ts allows `default` and `browser` only). */
function entriesOf(manifest: Manifest): Entry[] {
  const field = typeof manifest.exports === 'string' ? { default: manifest.exports } : manifest.exports['.'];
  return Object.entries(field).map(([condition, path]) => {
    const src = path.replace(/^\.\//, '');
    return { condition, src, name: basename(src, '.ts') };
  });
}

/** packages/<x> for `@babychain/<x>`, undefined for an npm package. */
function workspaceDir(name: string): string | undefined {
  if (!name.startsWith(SCOPE)) return undefined;
  const dir = join(PACKAGES, name.slice(SCOPE.length));
  return existsSync(join(dir, 'package.json')) ? dir : undefined;
}

/** `@scope/pkg` or `pkg` of an import path such as `@noble/hashes/sha2.js`. */
function packageOf(path: string): string {
  const parts = path.split('/');
  return (path.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

class BuildError extends Error {}

function fail(what: string): never {
  throw new BuildError(what);
}

export interface Built {
  readonly files: { readonly path: string; readonly bytes: number }[];
}

export async function buildPackage(dir: string): Promise<Built> {
  const manifest = readManifest(dir);
  if (manifest.private === true) fail(`${manifest.name} is private: only published packages are built`);
  const self = basename(dir);
  const entries = entriesOf(manifest);
  const deps = Object.keys(manifest.dependencies ?? {});
  // The same rule as .pnpmfile.cjs: a private workspace dependency is bundled, everything else stays a dependency.
  const bundled = deps.filter((d) => {
    const wd = workspaceDir(d);
    return wd !== undefined && readManifest(wd).private === true;
  });
  const external = deps.filter((d) => !bundled.includes(d));
  const dist = join(dir, 'dist');
  rmSync(dist, { recursive: true, force: true });

  await bundle(dir, entries, bundled, external);
  declarations(dir, self, entries, bundled, external);

  const files = entries.flatMap((e) => [`dist/${e.name}.js`, `dist/types/${self}/src/${e.name}.d.ts`]);
  for (const f of files) if (!existsSync(join(dir, f))) fail(`${f} was not written`);
  return { files: files.map((path) => ({ path, bytes: statSync(join(dir, path)).size })) };
}

async function bundle(dir: string, entries: Entry[], bundled: string[], external: string[]): Promise<void> {
  const result = await esbuild.build({
    absWorkingDir: dir,
    entryPoints: entries.map((e) => ({ in: e.src, out: e.name })),
    outdir: 'dist',
    bundle: true,
    format: 'esm',
    // neutral: no Node or browser defaults; Node 20 is the oldest runtime the packages promise (engines)
    platform: 'neutral',
    target: ['node20', 'es2022'],
    // bundled workspace packages by their node-free entry, so that one file serves Node and browsers
    conditions: ['browser'],
    external: ['node:*', ...external, ...external.map((d) => `${d}/*`)],
    charset: 'utf8',
    legalComments: 'inline',
    metafile: true,
    logLevel: 'silent',
  });
  for (const w of result.warnings) fail(`esbuild: ${w.text}`);
  const allowed = [dir, ...bundled.map((d) => workspaceDir(d) as string)].map((d) => join(d, 'src') + sep);
  const nodeFree = new Set(
    entries.filter((e) => e.condition === 'browser' || entries.length === 1).map((e) => `dist/${e.name}.js`),
  );
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      if (!allowed.some((a) => resolve(dir, input).startsWith(a))) fail(`${file} bundles ${input}`);
    }
    for (const { path, external: isExternal } of output.imports) {
      if (!isExternal) continue;
      if (path.startsWith('node:')) {
        if (nodeFree.has(file)) fail(`${file} is loaded by browsers but imports ${path}`);
      } else if (!external.includes(packageOf(path))) fail(`${file} imports ${path}, which is no dependency`);
    }
  }
}

/** The entry a bundled package is read by (its `browser` condition if it has one), as the bundle reads it. */
function bundledEntry(name: string): string {
  const entries = entriesOf(readManifest(workspaceDir(name) as string));
  const entry = entries.find((e) => e.condition === 'browser') ?? entries.find((e) => e.condition === 'default');
  return (entry as Entry).name;
}

/** The module names a declaration file imports, exports from, `import()`s as a type or augments: read by TypeScript. */
function moduleSpecifiers(file: string, text: string): ts.StringLiteral[] {
  const found: ts.StringLiteral[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      if (ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) found.push(node.name);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
  return found;
}

/** `text` with each module specifier replaced by `rename(specifier)`. */
function renameSpecifiers(file: string, text: string, rename: (spec: string) => string): string {
  let out = text;
  // from the end, so that the positions still to come stay valid
  for (const literal of moduleSpecifiers(file, text).reverse()) {
    out = `${out.slice(0, literal.getStart() + 1)}${rename(literal.text)}${out.slice(literal.end - 1)}`;
  }
  return out;
}

function declarations(dir: string, self: string, entries: Entry[], bundled: string[], external: string[]): void {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), (f) => ts.sys.readFile(f));
  const base = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options;
  const typesDir = join(dir, 'dist', 'types');
  // The bundled packages' entries are roots too: a file TypeScript reaches only through node_modules counts as an
  // external library's, and those get no declarations.
  const roots = [
    ...entries.map((e) => join(dir, e.src)),
    ...bundled.map((d) => join(workspaceDir(d) as string, 'src', `${bundledEntry(d)}.ts`)),
  ];
  const program = ts.createProgram(roots, {
    ...base,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    // `pnpm check` type-checks these files; here only their declarations are wanted, which is much faster
    noCheck: true,
    rootDir: PACKAGES,
    outDir: typesDir,
    // the same entries of bundled packages as the JavaScript
    customConditions: ['browser'],
  });
  const shipped = new Set([self, ...bundled.map((d) => d.slice(SCOPE.length))]);
  const written = new Map<string, string>();
  const emitted = program.emit(undefined, (file, text) => {
    const pkg = relative(typesDir, file).split(sep)[0] as string;
    if (!shipped.has(pkg)) return; // a published package's: it ships its own
    written.set(
      file,
      renameSpecifiers(file, text, (spec) => {
        if (spec.startsWith('.')) return spec.replace(/\.ts$/, '.js');
        if (!bundled.includes(spec)) return spec;
        const target = join(typesDir, spec.slice(SCOPE.length), 'src', `${bundledEntry(spec)}.js`);
        const to = relative(dirname(file), target).split(sep).join('/');
        return to.startsWith('.') ? to : `./${to}`;
      }),
    );
  });
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...emitted.diagnostics,
  ];
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => dir, getNewLine: () => '\n' };
    fail(`declarations:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  for (const [file, text] of written) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  for (const [file, text] of written) {
    for (const { text: s } of moduleSpecifiers(file, text)) {
      if (s.startsWith('.')) {
        if (!written.has(resolve(dirname(file), s.replace(/\.js$/, '.d.ts')))) {
          fail(`${relative(dir, file)} imports ${s}, which is not shipped`);
        }
      } else if (!s.startsWith('node:') && !external.includes(packageOf(s))) {
        fail(`${relative(dir, file)} imports ${s}, which is no dependency`);
      }
    }
  }
}

if (import.meta.main) {
  const dir = resolve(process.argv[2] ?? process.cwd());
  const started = Date.now();
  try {
    const { files } = await buildPackage(dir);
    const sizes = files.map((f) => `${f.path} ${(f.bytes / 1024).toFixed(1)} KB`).join(', ');
    console.log(`built ${readManifest(dir).name} in ${Date.now() - started} ms: ${sizes}`);
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    console.error(`build-package: ${readManifest(dir).name}: ${err.message}`);
    process.exit(1);
  }
}
