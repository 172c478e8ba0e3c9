/**
 * The one logger every package takes (docs/architecture.md, Conventions): `(msg, ctx?, err?)` per level, pino
 * underneath, JSON lines. A library never creates one; its caller injects it (or `silentLogger`).
 */
import { pino } from 'pino';

export type LogContext = Readonly<Record<string, unknown>>;
export type LogFn = (msg: string, ctx?: LogContext, err?: unknown) => void;

export interface Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  child(bindings: LogContext): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * A line's fields: the context with bigints as decimal strings, and the error under `err`. pino would write a bigint
 * as a bare JSON number, which readers parse as a double: a height or amount above 2^53 would change. Callers that
 * spread a BabyError's meta (bigint fields) into the context rely on this.
 */
export function lineFields(ctx: LogContext | undefined, err: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(ctx ?? {})) fields[key] = typeof value === 'bigint' ? String(value) : value;
  if (err !== undefined) fields['err'] = err;
  return fields;
}

function wrap(p: pino.Logger): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error'): LogFn =>
    (msg, ctx, err) =>
      p[level](lineFields(ctx, err), msg);
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings) => wrap(p.child(bindings)),
  };
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** bound as `node` on every line */
  readonly name?: string;
  /** where the lines go: stdout (a node) or stderr (a tool whose stdout is its answer, such as the launcher) */
  readonly to?: 'stdout' | 'stderr';
  /** bound on every line, e.g. `{ component: 'launcher' }` */
  readonly bindings?: LogContext;
}

/** JSON lines; bigint and byte values are logged as decimal strings and hex by the callers. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const base = { ...(options.name === undefined ? {} : { node: options.name }), ...options.bindings };
  const settings: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: Object.keys(base).length === 0 ? null : base,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return wrap(options.to === 'stderr' ? pino(settings, pino.destination(2)) : pino(settings));
}

export const silentLogger: Logger = createLogger({ level: 'silent' });

export type LogWriter = (
  level: Exclude<LogLevel, 'silent'>,
  msg: string,
  ctx: LogContext | undefined,
  err: unknown,
) => void;

/**
 * A Logger that hands every line to `write`, a child's bindings merged under the line's context: for a caller that
 * keeps the lines itself, such as a test reading what a package logged.
 */
export function loggerTo(write: LogWriter, bindings?: LogContext): Logger {
  const at =
    (level: Exclude<LogLevel, 'silent'>): LogFn =>
    (msg, ctx, err) =>
      write(level, msg, bindings === undefined ? ctx : { ...bindings, ...ctx }, err);
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => loggerTo(write, { ...bindings, ...more }),
  };
}
