#!/usr/bin/env node
// `npx vigil`: runs dist/vigil.js, the CLI bundled by `npm ci` / `npm install`
// (the prepare script). When a source file is newer than the bundle (someone
// is working on Vigil), the bundle is rebuilt first; without esbuild (an
// install without dev dependencies), the TypeScript runs through tsx.
// The SDK's "Node >= 22 from 2027" notice concerns future SDK releases, not the pinned ones.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');

/** The newest modification time under the CLI's sources (a few hundred stats: a few milliseconds). */
function newestSource() {
  let newest = Math.max(statSync(join(ROOT, 'bin', 'vigil.ts')).mtimeMs, statSync(join(ROOT, 'package.json')).mtimeMs);
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(ROOT, 'lambda'));
  return newest;
}

function bundle() {
  const { BUNDLE, buildCli } = require('./build-cli.js');
  let built;
  try {
    built = statSync(BUNDLE).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newestSource()) return BUNDLE;
  try {
    return buildCli();
  } catch {
    return undefined; // no esbuild here: run the sources instead
  }
}

const built = bundle();
if (built !== undefined) {
  require(built);
} else {
  require('tsx/cjs');
  require('./vigil.ts');
}
