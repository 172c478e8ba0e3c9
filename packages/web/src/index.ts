// @babychain/web: public surface (README.md). The browser app under src/app/ is bundled, never imported.
export {
  buildConsole,
  bundleConsole,
  type ConsoleAssets,
  type ConsoleBuild,
  type ConsoleBuildOptions,
  type ConsoleFile,
  loadConsole,
  RELEASE_CONSOLE_DIR,
} from './assets.ts';
