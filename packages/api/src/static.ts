/**
 * The TypeScript types of the schemas, read-only as answers are: `Json<>` is what the node writes (uint64 as decimal
 * strings, specs/rpc.md RPC-1), `Decoded<>` what a client reads out of it (uint64 as bigint).
 */
import type { Static, StaticDecode, TSchema } from 'typebox';

type DeepReadonly<T> = T extends readonly (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The JSON an answer of `S` is, as the node's RPC backend builds it. */
export type Json<S extends TSchema> = DeepReadonly<Static<S>>;

/** An answer of `S` decoded: every uint64 a bigint. */
export type Decoded<S extends TSchema> = DeepReadonly<StaticDecode<S>>;
