import { DeviceFarmClient, LimitExceededException, ListProjectsCommand } from '@aws-sdk/client-device-farm';
import { mockClient } from 'aws-sdk-client-mock';
import { AdaptiveBound, gateClient, judgeSdkCall, type Verdict } from '../../../lambda/observe/adaptive-bound';

/** A call that stays in flight until `finish()` is called, so a test decides the order calls end in. */
function pending() {
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { call: () => done, finish };
}

/** Lets every settled promise's continuations run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

const always = (verdict: Verdict) => () => verdict;

describe('AdaptiveBound', () => {
  it('keeps at most `current` calls in flight and starts a waiting one as soon as a slot frees', async () => {
    // Arrange
    const bound = new AdaptiveBound({ initial: 2, max: 2 });
    const calls = [pending(), pending(), pending()];
    let started = 0;

    // Act
    const runs = calls.map((c) =>
      bound.run(() => {
        started++;
        return c.call();
      }, always('neutral')),
    );
    await flush();
    const startedBefore = started;
    calls[0]?.finish();
    await flush();

    // Assert
    expect(startedBefore).toBe(2);
    expect(started).toBe(3);
    for (const c of calls) c.finish();
    await Promise.all(runs);
  });

  it('halves once for a round of calls pushed back together, not once per call', async () => {
    // Arrange
    const bound = new AdaptiveBound({ initial: 8, max: 16 });
    const calls = Array.from({ length: 8 }, () => pending());
    const runs = calls.map((c) => bound.run(c.call, always('pushed-back')));
    await flush();

    // Act
    for (const c of calls) c.finish();
    await Promise.all(runs);

    // Assert
    expect(bound.current).toBe(4);
    expect(bound.summary()).toEqual({ initial: 8, lowest: 4, highest: 8, final: 4, pushBacks: 8 });
  });

  it('halves again for a call sent after the previous decrease', async () => {
    // Arrange
    const bound = new AdaptiveBound({ initial: 8 });

    // Act
    await bound.run(async () => {}, always('pushed-back'));
    await bound.run(async () => {}, always('pushed-back'));

    // Assert
    expect(bound.current).toBe(2);
  });

  it('grows by one per round of about `bound` calls that went through at the first attempt', async () => {
    // Arrange: each clean call adds 1 ÷ bound, so the fifth call at 4 takes it to 5.
    const bound = new AdaptiveBound({ initial: 4 });
    const clean = async (n: number) => {
      for (let i = 0; i < n; i++) await bound.run(async () => {}, always('ok'));
    };

    // Act
    await clean(4);
    const afterFour = bound.current;
    await clean(1);

    // Assert
    expect(afterFour).toBe(4);
    expect(bound.current).toBe(5);
  });

  it('stays within its minimum and maximum whatever the API says', async () => {
    // Arrange
    const falling = new AdaptiveBound({ initial: 4, min: 1, max: 16 });
    const rising = new AdaptiveBound({ initial: 4, min: 1, max: 16 });

    // Act
    for (let i = 0; i < 10; i++) await falling.run(async () => {}, always('pushed-back'));
    for (let i = 0; i < 500; i++) await rising.run(async () => {}, always('ok'));

    // Assert
    expect(falling.current).toBe(1);
    expect(rising.current).toBe(16);
    expect(rising.summary()).toMatchObject({ lowest: 4, highest: 16, final: 16, pushBacks: 0 });
  });

  it('leaves the bound as it was for a call that failed for another reason', async () => {
    // Arrange
    const bound = new AdaptiveBound({ initial: 4 });

    // Act
    const failed = bound.run(() => Promise.reject(new Error('AccessDenied')), always('neutral'));

    // Assert
    await expect(failed).rejects.toThrow('AccessDenied');
    expect(bound.current).toBe(4);
  });
});

describe('judgeSdkCall', () => {
  it.each<[string, { value?: unknown; error?: unknown }, Verdict]>([
    ['answered at the first attempt', { value: { $metadata: { attempts: 1 } } }, 'ok'],
    ['answered after a retry', { value: { $metadata: { attempts: 2 } } }, 'pushed-back'],
    ['refused as LimitExceededException', { error: { name: 'LimitExceededException', $metadata: {} } }, 'pushed-back'],
    ['refused as ThrottlingException', { error: { name: 'ThrottlingException', $metadata: {} } }, 'pushed-back'],
    ['failed after retries', { error: { name: 'InternalServerException', $metadata: { attempts: 3 } } }, 'pushed-back'],
    [
      'refused once as AccessDenied',
      { error: { name: 'AccessDeniedException', $metadata: { attempts: 1 } } },
      'neutral',
    ],
  ])('judges a call %s', (_case, outcome, verdict) => {
    expect(judgeSdkCall(outcome)).toBe(verdict);
  });
});

describe('gateClient', () => {
  it('sends through the bound and halves it when the client is throttled', async () => {
    // Arrange
    const deviceFarm = mockClient(DeviceFarmClient);
    deviceFarm
      .on(ListProjectsCommand)
      .rejectsOnce(new LimitExceededException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({ projects: [] });
    const bound = new AdaptiveBound({ initial: 4 });
    const client = gateClient(new DeviceFarmClient({ region: 'us-west-2' }), bound);

    // Act
    await expect(client.send(new ListProjectsCommand({}))).rejects.toThrow('Rate exceeded');
    const answer = await client.send(new ListProjectsCommand({}));

    // Assert
    expect(answer.projects).toEqual([]);
    expect(bound.summary()).toMatchObject({ lowest: 2, pushBacks: 1 });
    expect(deviceFarm).toHaveReceivedCommandTimes(ListProjectsCommand, 2);
    deviceFarm.restore();
  });
});
