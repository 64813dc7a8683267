/**
 * Bundle size and module-load time of every Lambda handler, bundled exactly
 * as lib/constructs/vigil-function.ts bundles it (bundleHandler).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { HANDLERS_DIR } from '../../lib/constructs/vigil-function';
import { bundleHandler } from '../support/bundle-handler';

/** Module loads timed per bundle; the median is reported. */
const LOADS = 5;

export interface BundleResult {
  readonly handler: string;
  readonly bytes: number;
  /** Median milliseconds of `require` in a fresh process. */
  readonly loadMs: number;
}

export interface Contributor {
  readonly name: string;
  readonly bytes: number;
}

export interface BundleReport {
  readonly bundles: BundleResult[];
  /** The largest bundle's bytes by package (or source folder). */
  readonly largest: { handler: string; contributors: Contributor[] };
}

/** Where the bundles' external modules are found when loaded here (the Lambda runtime has them in /var/runtime/node_modules). */
const RUNTIME_SDK = join(__dirname, '..', '..', 'node_modules');

/** Milliseconds `require(file)` takes in a fresh `node` process (median of LOADS). */
async function loadMs(file: string): Promise<number> {
  const driver = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const times: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    // Asynchronous: the bench measures bundles while poll cycles wait on the simulated rate limit.
    const stdout = await new Promise<string>((resolve, reject) =>
      // NODE_PATH stands for the Lambda runtime's own AWS SDK, which a bundle's external modules
      // (@aws-sdk/client-s3 of the digest function) load from.
      execFile(
        process.execPath,
        ['-e', driver],
        { encoding: 'utf8', env: { ...process.env, NODE_PATH: RUNTIME_SDK } },
        (error, out) => (error === null ? resolve(out) : reject(error)),
      ),
    );
    times.push(Number(stdout));
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(LOADS / 2)] as number) * 10) / 10;
}

function contributors(metafile: Metafile): Contributor[] {
  const output = Object.values(metafile.outputs)[0];
  const by = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    by.set(pkg, (by.get(pkg) ?? 0) + input.bytesInOutput);
  }
  return [...by.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Every handler in lambda/handlers that exports `handler`. */
export function handlerFiles(): string[] {
  return readdirSync(HANDLERS_DIR)
    .filter((f) => f.endsWith('.ts') && /export const handler\b/.test(readFileSync(join(HANDLERS_DIR, f), 'utf8')))
    .sort();
}

export async function measureBundles(progress: (line: string) => void = () => {}): Promise<BundleReport> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-bundles-'));
  const bundles: BundleResult[] = [];
  let largest = { handler: '', bytes: 0, metafile: undefined as Metafile | undefined };
  for (const handler of handlerFiles()) {
    const outfile = join(dir, handler.replace(/\.ts$/, '.js'));
    const metafile = await bundleHandler(handler, outfile);
    const bytes = statSync(outfile).size;
    const result = { handler, bytes, loadMs: await loadMs(outfile) };
    if (bytes > largest.bytes) largest = { handler, bytes, metafile };
    bundles.push(result);
    progress(`  ${handler.padEnd(26)} ${kb(result.bytes)} ${result.loadMs} ms`);
  }
  return {
    bundles,
    largest: {
      handler: largest.handler,
      contributors: largest.metafile === undefined ? [] : contributors(largest.metafile).slice(0, 10),
    },
  };
}

export const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
