export type { CliIo } from './io.ts';
export { buildProgram, runCli } from './program.ts';
