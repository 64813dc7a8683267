/**
 * How long `vigil` takes to answer, measured from outside as a user sees it:
 * a fresh `node bin/vigil.js …` process each run, from spawn to exit. Beside
 * it, bare Node (the floor no CLI can beat) and the same CLI compiled from
 * TypeScript by tsx on every call (how it ran before the bundle).
 *
 * `vigil status` reads a table in DynamoDB Local; the caller points
 * AWS_ENDPOINT_URL_DYNAMODB at it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureTable } from '../../lambda/cli/ensure-table';
import { createDynamoClient } from '../../lambda/clients/aws-clients';

const ROOT = join(__dirname, '..', '..');
const RUNS = 11;

export interface StartTime {
  readonly label: string;
  readonly command: string;
  /** Wall milliseconds per run, sorted. */
  readonly ms: readonly number[];
}

export const median = (ms: readonly number[]) => ms[Math.floor(ms.length / 2)] as number;

function time(label: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): StartTime {
  const once = () => {
    const t0 = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (result.status !== 0) throw new Error(`${command} exited with ${result.status}: ${result.stderr}`);
    return ms;
  };
  once(); // warm the file cache; not counted
  const ms = Array.from({ length: RUNS }, once).sort((a, b) => a - b);
  return { label, command, ms };
}

export async function benchCliStart(progress: (line: string) => void): Promise<readonly StartTime[]> {
  const table = 'bench-cli-start';
  await ensureTable(createDynamoClient(), table);
  const env = { ...process.env, VIGIL_TABLE: table, NO_COLOR: '1' };
  const vigil = join('bin', 'vigil.js');
  const tsx = join('node_modules', 'tsx', 'dist', 'cli.mjs');
  const rows = [
    time('bare Node (the floor)', "node -e ''", ['-e', ''], env),
    time('vigil --version', 'vigil --version', [vigil, '--version'], env),
    time('vigil --help', 'vigil --help', [vigil, '--help'], env),
    time('vigil status (DynamoDB Local, empty table)', 'vigil status', [vigil, 'status'], env),
    time(
      'vigil --help compiled by tsx on every call (before)',
      'tsx bin/vigil.ts --help',
      [tsx, 'bin/vigil.ts', '--help'],
      env,
    ),
  ];
  for (const r of rows) progress(`  ${r.label}: median ${median(r.ms).toFixed(0)} ms`);
  return rows;
}
