import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Replaced by the release version when `baby release build` bundles the node; never declared from source. */
declare const BABY_RELEASE_VERSION: string | undefined;

/** The software version reported in status and metrics: the release it was built as, else the node package's. */
export const NODE_VERSION: string =
  typeof BABY_RELEASE_VERSION === 'string'
    ? BABY_RELEASE_VERSION
    : (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string })
        .version;
