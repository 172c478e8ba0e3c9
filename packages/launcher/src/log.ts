/** The launcher's own log lines: one line each, level and message first, then the context as JSON. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, ctx?: Record<string, unknown>) => void;

export function stderrLogger(): Logger {
  return (level, message, ctx) => {
    const extra = ctx === undefined || Object.keys(ctx).length === 0 ? '' : ` ${JSON.stringify(ctx, bigints)}`;
    process.stderr.write(`[baby-launcher] ${new Date().toISOString()} ${level} ${message}${extra}\n`);
  };
}

export function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
