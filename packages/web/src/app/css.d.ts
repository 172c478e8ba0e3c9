// esbuild bundles the stylesheets main.ts imports into console.css; to TypeScript they are modules without exports.
declare module '*.css';
