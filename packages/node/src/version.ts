import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The software version reported in status and metrics: the node package's version. */
export const NODE_VERSION: string = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;
