/**
 * Helpers for the tests that drive Vigil's emulators with the real SDK clients:
 * local credentials, an emulator (and its client) per describe block wired only
 * through its `AWS_ENDPOINT_URL_*` variable, and small helpers on SDK results.
 */

/** Credentials for local services: anything signs, nothing checks. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** How a test file starts its emulator and builds its client. */
export interface EmulatorWiring<Options, Emulator, Client> {
  /** Starts an emulator (e.g. `startDeviceFarmEmulator`). */
  start(options: Options): Promise<Emulator>;
  /** The variable the SDK reads the endpoint from (e.g. `AWS_ENDPOINT_URL_DEVICE_FARM`). */
  endpointVariable: string;
  /** A real client, built once the endpoint variable is set. */
  client(): Client;
}

/**
 * Starts an emulator before the enclosing describe block, exports its endpoint and
 * builds a client; afterwards destroys the client, stops the emulator and restores
 * the variable. Call it inside `describe`.
 */
export function useEmulator<
  Options,
  Emulator extends { readonly endpoint: string; stop(): Promise<void> },
  Client extends { destroy(): void },
>(
  wiring: EmulatorWiring<Options, Emulator, Client>,
  options: () => Options,
): { emu: () => Emulator; client: () => Client } {
  let emulator: Emulator | undefined;
  let sdk: Client | undefined;
  const previous = process.env[wiring.endpointVariable];
  beforeAll(async () => {
    emulator = await wiring.start(options());
    process.env[wiring.endpointVariable] = emulator.endpoint;
    sdk = wiring.client();
  });
  afterAll(async () => {
    sdk?.destroy();
    await emulator?.stop();
    if (previous === undefined) delete process.env[wiring.endpointVariable];
    else process.env[wiring.endpointVariable] = previous;
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('emulator not started');
    return value;
  };
  return { emu: () => need(emulator), client: () => need(sdk) };
}

/** Walks a paginator, gathering the items `pick` finds on each page. */
export async function collect<T, P>(
  pages: AsyncIterable<P>,
  pick: (page: P) => T[] | undefined,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let count = 0;
  for await (const page of pages) {
    count += 1;
    items.push(...(pick(page) ?? []));
  }
  return { items, pages: count };
}

/** An error thrown by an SDK client. */
export type SdkError = Error & { $metadata?: { httpStatusCode?: number; attempts?: number } };

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

/** What {@link burst} saw. */
export interface BurstOutcome {
  /** Rejection reasons of the calls that failed. */
  readonly rejected: unknown[];
  /** How many calls succeeded. */
  readonly fulfilled: number;
  /** Time from the first call sent to the last one settled. */
  readonly elapsedMs: number;
}

/** Sends `count` calls at once and waits for all of them (e.g. to hit a rate limit). */
export async function burst(count: number, send: () => Promise<unknown>): Promise<BurstOutcome> {
  const started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: count }, () => send()));
  return {
    rejected: results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason),
    fulfilled: results.filter((r) => r.status === 'fulfilled').length,
    elapsedMs: performance.now() - started,
  };
}
