// @babychain/web: public surface (README.md). The browser app under src/app/ is bundled, never imported.
export { buildConsole, type ConsoleAssets, type ConsoleFile, loadConsole, RELEASE_CONSOLE_DIR } from './assets.ts';
