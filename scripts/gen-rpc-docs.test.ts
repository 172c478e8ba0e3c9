import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rpcOpenApiDocument } from '../packages/rpc/src/index.ts';
import { REFERENCE_PATH, renderRpcReference } from './gen-rpc-docs.ts';

const root = join(import.meta.dirname, '..');

describe('scripts/gen-rpc-docs.ts', () => {
  it('the committed docs/rpc-reference.md equals a fresh rendering of the OpenAPI document', async () => {
    const fresh = renderRpcReference((await rpcOpenApiDocument()) as never);
    expect(readFileSync(join(root, REFERENCE_PATH), 'utf8')).toBe(fresh);
  });

  it('documents every route of the OpenAPI document', async () => {
    const doc = (await rpcOpenApiDocument()) as { paths: Record<string, Record<string, unknown>> };
    const text = renderRpcReference(doc as never);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) expect(text).toContain(`### ${method.toUpperCase()} ${path}\n`);
    }
  });

  it('--check exits 0 when the reference is current', () => {
    const out = execFileSync(process.execPath, [join(root, 'scripts', 'gen-rpc-docs.ts'), '--check'], {
      encoding: 'utf8',
    });
    expect(out).toContain('up to date');
  });
});
