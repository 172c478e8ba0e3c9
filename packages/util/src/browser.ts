// @babychain/util in a browser (the `browser` condition of package.json): the same surface as index.ts without the
// durable file writes, which need node:fs. A module that writes files is never bundled for a browser.
export { fromHex, toHex } from './hex.ts';
export { LruCache } from './lru.ts';
