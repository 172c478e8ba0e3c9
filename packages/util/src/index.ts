// @babychain/util: public surface (README.md). Helpers with no protocol in them, below every other package.
export { fsyncPath, writeFileDurable } from './durable.ts';
export { fromHex, toHex } from './hex.ts';
export {
  createLogger,
  type LogContext,
  type LogFn,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogWriter,
  loggerTo,
  silentLogger,
} from './logger.ts';
export { LruCache } from './lru.ts';
export { DurationWindow } from './percentiles.ts';
