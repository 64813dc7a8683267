#!/usr/bin/env node
// `npx vigil` entry: runs the TypeScript CLI (bin/vigil.ts) through tsx, so it
// works straight after `npm ci` with no build step.
require('tsx/cjs');
require('./vigil.ts');
