import protobuf from 'protobufjs/light.js';

/**
 * The codec's own view of a schema. protobufjs parses and resolves the .proto files; everything the encoder and
 * decoder need is copied into these plain descriptors so the hot paths never touch protobufjs objects, and the
 * canonical-schema rules (ENC-1, ENC-3) are checked once, in one place, for the generator and the runtime alike.
 */

export type ScalarKind = 'uint32' | 'uint64' | 'bool' | 'string' | 'bytes' | 'enum';
export type FieldKind = ScalarKind | 'message';

export interface FieldDesc {
  /** camelCase property name */
  readonly name: string;
  readonly protoName: string;
  readonly number: number;
  readonly kind: FieldKind;
  readonly repeated: boolean;
  /** repeated varint kinds are packed (ENC-6) */
  readonly packed: boolean;
  /** wire type of one occurrence on the wire: 0 for a lone varint, 2 for everything length-delimited */
  readonly wireType: 0 | 2;
  /** name of the oneof property this field belongs to */
  readonly oneof: string | undefined;
  /** full name (no leading dot) of the message or enum type */
  readonly typeName: string | undefined;
  /** set for kind 'message' */
  readonly message: MessageDesc | undefined;
  /** set for kind 'enum' */
  readonly enumValues: ReadonlySet<number> | undefined;
  readonly comment: string | undefined;
}

export interface OneofDesc {
  readonly name: string;
  readonly fields: readonly FieldDesc[];
  readonly comment: string | undefined;
}

/** A property of the TS object: a plain field, or a oneof holding `{ case, value }`. */
export type MemberDesc =
  | { readonly kind: 'field'; readonly field: FieldDesc }
  | { readonly kind: 'oneof'; readonly oneof: OneofDesc };

export interface MessageDesc {
  /** full name without leading dot, e.g. `babychain.v0.Tx` */
  readonly name: string;
  /** in ascending field-number order (which is also declaration order, checked) */
  readonly fields: readonly FieldDesc[];
  readonly byNumber: ReadonlyMap<number, FieldDesc>;
  readonly oneofs: readonly OneofDesc[];
  /** object properties in declaration order; a oneof sits where its first member is declared */
  readonly members: readonly MemberDesc[];
  readonly memberNames: ReadonlySet<string>;
  readonly comment: string | undefined;
  readonly filename: string | undefined;
}

export interface EnumDesc {
  readonly name: string;
  readonly values: ReadonlyMap<string, number>;
  readonly comment: string | undefined;
}

export interface Schema {
  readonly messages: ReadonlyMap<string, MessageDesc>;
  readonly enums: ReadonlyMap<string, EnumDesc>;
}

const SCALARS: ReadonlySet<string> = new Set(['uint32', 'uint64', 'bool', 'string', 'bytes']);
const VARINT_KINDS: ReadonlySet<FieldKind> = new Set(['uint32', 'uint64', 'bool', 'enum']);
/** Field options that do not change the encoding; every other option could, so it is refused. */
const HARMLESS_FIELD_OPTIONS: ReadonlySet<string> = new Set(['deprecated']);
const MAX_ENUM_VALUE = 0x7fffffff;

/** Thrown when a schema breaks the canonical rules; lists every problem found. */
export class SchemaError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`schema breaks the canonical encoding rules (specs/encoding.md):\n  ${problems.join('\n  ')}`);
    this.name = 'SchemaError';
    this.problems = problems;
  }
}

function stripDot(name: string): string {
  return name.startsWith('.') ? name.slice(1) : name;
}

function collect(ns: protobuf.NamespaceBase, types: protobuf.Type[], enums: protobuf.Enum[]): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) types.push(nested);
    else if (nested instanceof protobuf.Enum) enums.push(nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) collect(nested, types, enums);
  }
}

function editionOf(obj: protobuf.Type | protobuf.Enum): unknown {
  // protobufjs only serialises an edition that is not proto3, so its presence alone means "not proto3".
  return (obj.toJSON() as { edition?: unknown }).edition;
}

function optionKeys(options: Record<string, unknown> | undefined): string[] {
  return options === undefined ? [] : Object.keys(options);
}

/**
 * Checks a resolved protobufjs root against the canonical-schema rules and builds the codec's descriptors.
 * Throws SchemaError listing every violation.
 */
export function buildSchema(root: protobuf.Root): Schema {
  root.resolveAll();
  const types: protobuf.Type[] = [];
  const enumTypes: protobuf.Enum[] = [];
  collect(root, types, enumTypes);
  const problems: string[] = [];

  const enums = new Map<string, EnumDesc>();
  for (const e of enumTypes) {
    const name = stripDot(e.fullName);
    if (editionOf(e) !== undefined) problems.push(`${name}: only proto3 is allowed (found ${String(editionOf(e))})`);
    const values = new Map<string, number>(Object.entries(e.values));
    if (![...values.values()].includes(0)) problems.push(`${name}: an enum must declare the value 0 (its default)`);
    for (const [k, v] of values) {
      if (!Number.isInteger(v) || v < 0 || v > MAX_ENUM_VALUE) {
        problems.push(`${name}.${k}: enum values must be in [0, 2^31-1] (ENC-1 has no negative varints)`);
      }
    }
    enums.set(name, { name, values, comment: e.comment ?? undefined });
  }

  // Shells first so that fields can point at any message, including ones declared later or recursively.
  const shells = new Map<
    string,
    { desc: MessageDesc; fields: FieldDesc[]; oneofs: OneofDesc[]; members: MemberDesc[] }
  >();
  for (const t of types) {
    const fields: FieldDesc[] = [];
    const oneofs: OneofDesc[] = [];
    const members: MemberDesc[] = [];
    const byNumber = new Map<number, FieldDesc>();
    const memberNames = new Set<string>();
    const name = stripDot(t.fullName);
    const desc: MessageDesc = {
      name,
      fields,
      byNumber,
      oneofs,
      members,
      memberNames,
      comment: t.comment ?? undefined,
      filename: t.filename ?? undefined,
    };
    shells.set(name, { desc, fields, oneofs, members });
  }

  for (const t of types) {
    const name = stripDot(t.fullName);
    const shell = shells.get(name);
    if (shell === undefined) continue;
    const { desc, fields, oneofs, members } = shell;
    const byNumber = desc.byNumber as Map<number, FieldDesc>;
    const memberNames = desc.memberNames as Set<string>;

    if (editionOf(t) !== undefined) problems.push(`${name}: only proto3 is allowed (found ${String(editionOf(t))})`);
    if ((t as { group?: boolean }).group === true) problems.push(`${name}: groups are not allowed (ENC-1)`);
    if (t.extensions !== undefined && t.extensions.length > 0) problems.push(`${name}: extensions are not allowed`);

    const oneofMembers = new Map<string, FieldDesc[]>();
    let previous = 0;
    for (const f of t.fieldsArray) {
      const where = `${name}.${f.name}`;
      if (f.id <= previous) {
        problems.push(
          `${where}: field number ${f.id} declared after ${previous}; declare fields in ascending order (ENC-3)`,
        );
      }
      previous = Math.max(previous, f.id);
      if (f instanceof protobuf.MapField || f.map) problems.push(`${where}: map fields are not allowed (ENC-1)`);
      if (f.rule === 'required') problems.push(`${where}: required is a proto2 feature`);
      if (f.extend !== undefined) problems.push(`${where}: extensions are not allowed`);
      for (const opt of optionKeys(f.options)) {
        if (opt === 'proto3_optional') problems.push(`${where}: proto3 optional scalars are not allowed (ENC-5)`);
        else if (!HARMLESS_FIELD_OPTIONS.has(opt)) problems.push(`${where}: field option "${opt}" is not allowed`);
      }

      let kind: FieldKind;
      let typeName: string | undefined;
      let message: MessageDesc | undefined;
      let enumValues: ReadonlySet<number> | undefined;
      if (SCALARS.has(f.type)) {
        kind = f.type as ScalarKind;
      } else if (f.resolvedType instanceof protobuf.Type) {
        kind = 'message';
        typeName = stripDot(f.resolvedType.fullName);
        message = shells.get(typeName)?.desc;
      } else if (f.resolvedType instanceof protobuf.Enum) {
        kind = 'enum';
        typeName = stripDot(f.resolvedType.fullName);
        enumValues = new Set(Object.values(f.resolvedType.values));
      } else {
        problems.push(
          `${where}: type ${f.type} is not allowed (ENC-1: uint32, uint64, bool, string, bytes, enums, messages)`,
        );
        continue;
      }
      const repeated = f.repeated;
      const packed = repeated && VARINT_KINDS.has(kind);
      const field: FieldDesc = {
        name: f.name,
        protoName: f.protoName ?? f.name,
        number: f.id,
        kind,
        repeated,
        packed,
        wireType: VARINT_KINDS.has(kind) && !repeated ? 0 : 2,
        oneof: f.partOf?.name,
        typeName,
        message,
        enumValues,
        comment: f.comment ?? undefined,
      };
      fields.push(field);
      byNumber.set(field.number, field);

      if (f.partOf !== null && f.partOf !== undefined) {
        if (repeated) problems.push(`${where}: a oneof member cannot be repeated`);
        const list = oneofMembers.get(f.partOf.name);
        if (list === undefined) {
          const list2 = [field];
          oneofMembers.set(f.partOf.name, list2);
          const oneof: OneofDesc = { name: f.partOf.name, fields: list2, comment: f.partOf.comment ?? undefined };
          oneofs.push(oneof);
          members.push({ kind: 'oneof', oneof });
          if (memberNames.has(oneof.name)) problems.push(`${name}: property name "${oneof.name}" is used twice`);
          memberNames.add(oneof.name);
        } else {
          list.push(field);
        }
      } else {
        members.push({ kind: 'field', field });
        if (memberNames.has(field.name)) problems.push(`${name}: property name "${field.name}" is used twice`);
        memberNames.add(field.name);
      }
    }
    fields.sort((a, b) => a.number - b.number);
  }

  if (problems.length > 0) throw new SchemaError(problems);
  const messages = new Map<string, MessageDesc>();
  for (const [name, shell] of shells) messages.set(name, shell.desc);
  return { messages, enums };
}
