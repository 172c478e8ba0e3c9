import protobuf from 'protobufjs/light.js';
import { schemaJson } from './generated/schema.ts';
import type { MessageTypes } from './generated/types.ts';
import type { MessageDesc, Schema } from './reflect.ts';
import { buildSchema } from './reflect.ts';

export type { MessageTypes };
export type MessageName = keyof MessageTypes;

/**
 * The protobufjs root of the protocol's schemas, built from the generated descriptor (no file system needed).
 * `as const` makes the descriptor deeply readonly, which protobufjs's mutable INamespace type does not accept;
 * fromJSON only reads it.
 */
export const protoRoot: protobuf.Root = protobuf.Root.fromJSON(schemaJson as unknown as protobuf.INamespace);

// Re-checked at load so a hand-edited generated file cannot smuggle in a non-canonical schema.
const schema: Schema = buildSchema(protoRoot);

export function messageDesc(name: string): MessageDesc | undefined {
  return schema.messages.get(name);
}

export function messageNames(): MessageName[] {
  return [...schema.messages.keys()] as MessageName[];
}
