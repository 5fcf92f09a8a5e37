// Bundles every runtime of Strata into dist/: the extension host client, the store server,
// the CLI and the webview script. Type checking stays with `tsc --noEmit` (npm run typecheck).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// `import * as fs from 'node:fs'` becomes, in every module that writes it, a copy of the whole
// module object (esbuild's __toESM): 73 copies when the CLI loads, 5-10 ms of each run. Routed
// through one bundled module per builtin, each builtin is copied once and shared.
const builtinsOnce = {
  name: 'builtins-once',
  setup(build) {
    build.onResolve({ filter: /^node:[a-z0-9_/]+$/ }, (args) =>
      args.namespace === 'builtin-once' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-once' }, (args) => ({ contents: `export * from ${JSON.stringify(args.path)};`, loader: 'js' }));
  },
};

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // koffi loads a prebuilt native module at run time; it ships beside the bundle in node_modules.
  external: ['koffi'],
};

const entries = [
  {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [builtinsOnce],
    // Every command pays for parsing the bundle: a quarter less text is a few ms per run. Names
    // are kept, so stack traces still read.
    minifyWhitespace: true,
    minifySyntax: true,
  },
  { entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js', platform: 'node', format: 'cjs', target: 'node20', plugins: [builtinsOnce] },
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'koffi'],
    plugins: [builtinsOnce],
  },
  {
    entryPoints: ['src/webview-ui/inspect/main.ts'],
    outfile: 'dist/webview/inspect.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // The few codicons the webview uses are bundled as SVG text: no font or image files ship.
    loader: { '.svg': 'text' },
  },
].filter((e) => existsSync(e.entryPoints[0]));

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
