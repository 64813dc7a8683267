/**
 * A Lambda handler bundled the way lib/constructs/vigil-function.ts has
 * NodejsFunction bundle it (esbuild, minified CJS for node24, ES module
 * builds preferred, the SDK inside, the unreached credential providers left
 * out, no source map). Shared by the bundled-handlers test, which runs the
 * bundles, and `npm run bench`, which measures them.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_EXTERNAL_MODULES, BUNDLE_MAIN_FIELDS, HANDLERS_DIR } from '../../lib/constructs/vigil-function';

/** Bundles `lambda/handlers/<handlerFile>` to `outfile`; returns esbuild's metafile (what went in). */
export async function bundleHandler(handlerFile: string, outfile: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [join(HANDLERS_DIR, handlerFile)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    mainFields: BUNDLE_MAIN_FIELDS,
    external: BUNDLE_EXTERNAL_MODULES,
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}
