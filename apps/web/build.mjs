// Builds the coordinators' web UI into dist/web: one minified script, one stylesheet, one page.
// Run by `npm run build` (so by `npm start` and `npm test`); no dev server is needed to use the UI.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'dist', 'web');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, 'src', 'main.tsx')],
  outfile: join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(here, 'public', 'index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'public', 'app.css'), join(out, 'app.css'));

// The size budget (issue 5: script under 200 KB gzipped), recorded beside the bundle for the tests.
const script = readFileSync(join(out, 'app.js'));
const sizes = { script: script.length, scriptGzip: gzipSync(script).length };
writeFileSync(join(out, 'sizes.json'), JSON.stringify(sizes) + '\n');
