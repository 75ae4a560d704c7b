// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';

// The shape of the code, enforced here rather than by goodwill (docs/architecture.md#floors-and-import-rules):
// only main/electron/ imports 'electron'; renderer/ and shared/ import nothing from Node; only
// main/thumbnails/sharp-loader.ts imports sharp; main/ is built in floors whose imports point down;
// and no module imports itself back through others.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const electronOutsideElectronLayer = {
  name: 'electron',
  message: "Only main/electron/ may import 'electron': inject what you need as an interface instead.",
};
// The loader picks the build that is safe in the process (wasm inside Electron on Linux, where native
// libvips' GLib clashes with Electron's); a direct import would bypass that choice.
const sharpOutsideLoader = 'Load sharp through main/thumbnails/sharp-loader.ts (loadSharp), its types too.';
const sharpImport = { name: 'sharp', message: sharpOutsideLoader };
const namedExportsOnly = {
  selector: 'ExportDefaultDeclaration',
  message: 'Use named exports (GitHub Desktop style).',
};
// no-restricted-imports sees static imports only.
const sharpDynamicImports = [
  { selector: "ImportExpression[source.value='sharp']", message: sharpOutsideLoader },
  {
    selector: "CallExpression[callee.name='require'][arguments.0.value='sharp']",
    message: sharpOutsideLoader,
  },
];

/**
 * The floors of main/, bottom to top. A part may import the parts on floors below its own (and
 * shared/), never one above, nor a sibling on its own floor; files inside one part import each other
 * freely. Top-level files of main/ belong to the floor they are listed on.
 */
const floorsOfMain = [
  // The error vocabulary and plain helpers everything above may use.
  { net: ['main/net'], 'app-paths': ['main/app-paths.ts'], 'file-names': ['main/file-names.ts'] },
  { store: ['main/store'], log: ['main/log'] },
  { vault: ['main/vault'] },
  { thumbnails: ['main/thumbnails'] },
  // Images made ready before they leave (convert, resize, strip metadata, watermark); providers never see it.
  { processing: ['main/processing'] },
  // A provider and the emulator of its server are written apart, so neither can lean on the other.
  { providers: ['main/providers'], sandbox: ['main/sandbox'] },
  { engine: ['main/engine'] },
  { 'contract-dispatch': ['main/contract-dispatch.ts'] },
  // The composition root and its modules.
  { service: ['main/service.ts', 'main/service'] },
  // The PicGo-compatible door: a client of the service that the app and the web shell start.
  { 'local-api': ['main/local-api'] },
  // The transports: each talks to the service, none to another.
  { electron: ['main/electron'], web: ['main/web'], cli: ['main/cli', 'main/cli.ts'] },
];

function floorZones() {
  const zones = [];
  floorsOfMain.forEach((floor, level) => {
    const below = floorsOfMain.slice(0, level).flatMap((lower) => Object.keys(lower));
    const notBelow = floorsOfMain.slice(level);
    for (const [part, paths] of Object.entries(floor)) {
      const from = notBelow.flatMap((higher) =>
        Object.entries(higher).flatMap(([other, otherPaths]) => (other === part ? [] : otherPaths)),
      );
      if (from.length === 0) continue;
      const message = `Imports point down the floors: ${part} may import ${[...below, 'shared'].join(', ')} only (docs/architecture.md).`;
      zones.push({ target: paths, from, message });
    }
  });
  return zones;
}

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [electronOutsideElectronLayer, sharpImport] }],
      'no-restricted-syntax': ['error', namedExportsOnly, ...sharpDynamicImports],
    },
  },
  {
    files: ['main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [sharpImport] }] },
  },
  {
    files: ['main/thumbnails/sharp-loader.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOutsideElectronLayer] }],
      'no-restricted-syntax': ['error', namedExportsOnly],
    },
  },
  {
    // Tests make and compare images with sharp itself, in plain Node.
    files: ['test/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOutsideElectronLayer] }],
      'no-restricted-syntax': ['error', namedExportsOnly],
    },
  },
  {
    files: ['main/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      // Relative imports carry their .ts extension; the node resolver finds them as written.
      'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] } },
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            ...floorZones(),
            {
              target: ['shared'],
              from: ['main', 'renderer'],
              message: 'shared/ is the bottom of everything: it imports nothing from main/ or renderer/.',
            },
            {
              target: ['renderer'],
              from: ['main'],
              message: 'renderer/ talks to the main side through the contract in shared/ only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts', 'shared/**/*.ts'],
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['renderer/**', 'shared/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            electronOutsideElectronLayer,
            sharpImport,
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'renderer/ and shared/ run without Node: talk to the main side through the contract.',
            })),
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.tsx', 'renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Config files are loaded by their tools, which require a default export.
    files: ['*.config.ts', '*.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
