#!/usr/bin/env node
// `npx vigil` entry: runs the TypeScript CLI (bin/vigil.ts) through tsx, so it
// works straight after `npm ci` with no build step.
// The SDK's "Node >= 22 from 2027" notice concerns future SDK releases, not the pinned ones.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('./vigil.ts');
