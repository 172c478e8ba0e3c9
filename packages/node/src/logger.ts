/** The injected logger (docs/architecture.md, Conventions): `(msg, ctx?, err?)` per level, pino underneath (JSON lines). */
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

function wrap(p: pino.Logger): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error'): LogFn =>
    (msg, ctx, err) => {
      const fields: Record<string, unknown> = { ...ctx };
      if (err !== undefined) fields['err'] = err;
      p[level](fields, msg);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings) => wrap(p.child(bindings)),
  };
}

/** JSON lines on stdout; bigint and byte values are logged as decimal strings and hex by the callers. */
export function createLogger(options: { level?: LogLevel; name?: string } = {}): Logger {
  return wrap(
    pino({
      level: options.level ?? 'info',
      base: options.name === undefined ? null : { node: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
    }),
  );
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
