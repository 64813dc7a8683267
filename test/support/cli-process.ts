/**
 * Running the `vigil` CLI against a harness: as the real process a user
 * starts (`node bin/vigil.js`, as bin/demo.ts does), which a test can kill,
 * or in-process through `main` with its output captured, which is faster.
 * Either way it reaches the local services only through the harness's
 * environment (AWS_ENDPOINT_URL_*, VIGIL_TABLE, VIGIL_TOPIC_ARN).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lambda/cli/main';
import type { Harness } from './pipeline';

const ROOT = join(__dirname, '..', '..');
const VIGIL = join(ROOT, 'bin', 'vigil.js');

/** What one `vigil` command did. */
export interface VigilResult {
  /** The exit code; null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
  /** From spawn (or the call of `main`) to exit, in milliseconds. */
  readonly ms: number;
}

/** A `vigil` child process that is still running. */
export interface VigilProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<VigilResult>;
}

/** The environment `vigil` gets: the test process's (local endpoints, credentials) aimed at `harness`. */
export function vigilEnv(harness: Harness, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ENDPOINT_URL_DEVICE_FARM: harness.emulator.endpoint,
    VIGIL_TABLE: harness.tableName,
    VIGIL_TOPIC_ARN: harness.topicArn,
    ...extra,
  };
}

/** Writes `config` as a config file in a new temporary directory and returns its path. */
export function writeConfig(config: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-config-')), 'vigil.config.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** Starts `node bin/vigil.js <args>` as a user would; `onOut` sees each line of its output as it comes. */
export function spawnVigil(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onOut?: (line: string) => void,
): VigilProcess {
  const began = performance.now();
  const child = spawn(process.execPath, [VIGIL, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  let partial = '';
  // Decoded as a stream, so a character split between two chunks stays whole.
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    out.push(chunk);
    if (onOut === undefined) return;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onOut(line);
  });
  child.stderr?.on('data', (chunk: string) => err.push(chunk));
  const exited = new Promise<VigilResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        out: out.join('').trimEnd(),
        err: err.join('').trimEnd(),
        ms: Math.round(performance.now() - began),
      }),
    );
  });
  return { child, exited };
}

/** Runs `node bin/vigil.js <args>` to its end. */
export function runVigil(args: readonly string[], env: NodeJS.ProcessEnv): Promise<VigilResult> {
  return spawnVigil(args, env).exited;
}

/** Runs `vigil <args>` in this process through `main` (no process start-up; `signal` plays Ctrl-C). */
export async function vigilInProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { signal?: AbortSignal; onOut?: (line: string) => void } = {},
): Promise<VigilResult> {
  const began = performance.now();
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    env,
    cwd: ROOT,
    out: (text) => {
      out.push(text);
      options.onOut?.(text);
    },
    err: (text) => err.push(text),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { code, signal: null, out: out.join('\n'), err: err.join('\n'), ms: Math.round(performance.now() - began) };
}

/** A small seeded generator of numbers in [0, 1) (mulberry32): reproducible trials, not for security. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
