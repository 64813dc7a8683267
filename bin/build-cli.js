#!/usr/bin/env node
// Builds dist/vigil.js, the CLI as one JavaScript file, so `vigil` starts in
// a fraction of the time compiling TypeScript on every call takes. Run by
// the `prepare` script (so `npm ci` and `npm install` build it) and by
// bin/vigil.js when a source file is newer than the bundle.
const { renameSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'dist', 'vigil.js');

/** Bundles bin/vigil.ts and what it imports; written under a temporary name and renamed, so a reader never sees half a file. */
function buildCli() {
  const { buildSync } = require('esbuild');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const temporary = `${BUNDLE}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [join(ROOT, 'bin', 'vigil.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Prefer packages' ES module builds: esbuild can leave out what the CLI never calls.
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  renameSync(temporary, BUNDLE);
  return BUNDLE;
}

module.exports = { buildCli, BUNDLE };

if (require.main === module) {
  const started = Date.now();
  buildCli();
  process.stdout.write(`built dist/vigil.js in ${Date.now() - started} ms\n`);
}
