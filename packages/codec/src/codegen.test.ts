import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_HEADER, GENERATED_PATHS, generate, PROTO_DIR, parseProto } from './codegen.ts';
import { buildSchema, SchemaError } from './reflect.ts';
import { TEST_PROTO } from './testschema.testutil.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

function problems(source: string): string[] {
  try {
    buildSchema(parseProto(source));
  } catch (err) {
    if (err instanceof SchemaError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('scripts/gen-proto.ts', () => {
  it('generated files equal a fresh generation from specs/proto', () => {
    const fresh = generate(join(repo, PROTO_DIR));
    expect(readFileSync(join(repo, GENERATED_PATHS.schema), 'utf8')).toBe(fresh.schema);
    expect(readFileSync(join(repo, GENERATED_PATHS.types), 'utf8')).toBe(fresh.types);
    expect(fresh.types.startsWith(GENERATED_HEADER)).toBe(true);
    expect(fresh.schema.startsWith(GENERATED_HEADER)).toBe(true);
  });

  it('--check exits 0 when the generated files are current', () => {
    const out = execFileSync(process.execPath, [join(repo, 'scripts', 'gen-proto.ts'), '--check'], {
      encoding: 'utf8',
    });
    expect(out).toContain('up to date');
  });

  it('maps proto types to the codec value types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-proto-'));
    try {
      mkdirSync(join(dir, 't'));
      writeFileSync(join(dir, 't', 'all.proto'), TEST_PROTO);
      const { types } = generate(dir);
      for (const line of [
        'u32: number;',
        'u64: bigint;',
        'flag: boolean;',
        'text: string;',
        'data: Uint8Array;',
        'color: number;',
        'u64s: bigint[];',
        'datas: Uint8Array[];',
        'child?: All | undefined;',
        'children: All[];',
        "| { case: 'num'; value: bigint }",
        "| { case: 'node'; value: All }",
        "'t.All': All;",
      ]) {
        expect(types, line).toContain(line);
      }
      // Oneof members live only inside the union.
      expect(types).not.toMatch(/^\s+num[?]?:/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('schema rules', () => {
  const msg = (body: string) => `syntax = "proto3"; package x; message A { ${body} }`;

  it('accepts the test schema', () => {
    expect(problems(TEST_PROTO)).toEqual([]);
  });

  it('refuses fields declared out of field-number order', () => {
    expect(problems(msg('uint32 b = 2; uint32 a = 1;')).join()).toMatch(/ascending/);
  });

  it.each(['int32', 'int64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'float', 'double'])(
    'refuses the %s type',
    (type) => {
      expect(problems(msg(`${type} a = 1;`)).join()).toMatch(/not allowed/);
    },
  );

  it('refuses map fields', () => {
    expect(problems(msg('map<string, uint32> m = 1;')).join()).toMatch(/map fields/);
  });

  it('refuses proto2 and editions', () => {
    expect(problems('syntax = "proto2"; package x; message A { optional uint32 a = 1; }').join()).toMatch(/proto3/);
    expect(problems('syntax = "proto2"; package x; message A { required uint32 a = 1; }').join()).toMatch(/required/);
    expect(problems('edition = "2023"; package x; message A { uint32 a = 1; }').join()).toMatch(/proto3/);
  });

  it('refuses proto3 optional scalars and encoding options', () => {
    expect(problems(msg('optional uint32 a = 1;')).join()).toMatch(/optional/);
    expect(problems(msg('repeated uint32 a = 1 [packed = false];')).join()).toMatch(/packed/);
  });

  it('refuses negative enum values', () => {
    expect(problems('syntax = "proto3"; package x; enum E { Z = 0; N = -1; }').join()).toMatch(/enum values/);
  });
});
