import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One vector: what a second implementation feeds its code, and what must come out (test-vectors/README.md). */
export interface VectorCase {
  readonly id: string;
  readonly description: string;
  readonly rule?: string;
  readonly input: Record<string, unknown>;
  readonly expected:
    | { readonly ok: true; readonly [k: string]: unknown }
    | { readonly ok: false; readonly error: string; readonly meta?: Readonly<Record<string, unknown>> };
}

export interface VectorFile {
  readonly path: string;
  readonly runner: string;
  readonly description: string;
  readonly cases: readonly VectorCase[];
}

export const VECTORS_DIR = join(import.meta.dirname, '..');

/** Every vector file under test-vectors/<category>/, sorted so that runs are comparable. */
export function loadVectorFiles(root = VECTORS_DIR): VectorFile[] {
  const files: VectorFile[] = [];
  for (const category of readdirSync(root, { withFileTypes: true })) {
    if (!category.isDirectory() || category.name === 'runner' || category.name === 'node_modules') continue;
    for (const name of readdirSync(join(root, category.name)).sort()) {
      if (!name.endsWith('.json')) continue;
      const path = join(root, category.name, name);
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as Omit<VectorFile, 'path'>;
      files.push({ ...parsed, path });
    }
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
