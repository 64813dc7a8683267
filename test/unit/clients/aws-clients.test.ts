import { DeviceFarmClient, ListProjectsCommand, ListRunsCommand } from '@aws-sdk/client-device-farm';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import { createDeviceFarmClient, createDynamoClient } from '../../../lambda/clients/aws-clients';
import { countCalls } from '../../../lambda/clients/call-counter';
import { Tally } from '../../../lambda/core/tally';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** A request handler answering from a script of responses (the last one repeats), recording what was sent. */
function scriptedHandler(...responses: { status: number; body: object; errorType?: string }[]) {
  const requests: HttpRequest[] = [];
  return {
    requests,
    handle: async (request: HttpRequest): Promise<{ response: HttpResponse }> => {
      requests.push(request);
      const next = responses[Math.min(requests.length - 1, responses.length - 1)] ?? { status: 200, body: {} };
      return {
        response: {
          statusCode: next.status,
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            ...(next.errorType === undefined ? {} : { 'x-amzn-errortype': next.errorType }),
          },
          body: Buffer.from(JSON.stringify(next.body)),
        },
      };
    },
  };
}

describe('createDeviceFarmClient', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('targets us-west-2 when AWS_REGION names another region', async () => {
    // Arrange
    process.env.AWS_REGION = 'eu-west-1';

    // Act
    const client = createDeviceFarmClient();

    // Assert
    await expect(client.config.region()).resolves.toBe('us-west-2');
    await expect(createDynamoClient().config.region()).resolves.toBe('eu-west-1');
  });

  it('counts each command it sends into the tally it was given', async () => {
    // Arrange
    process.env.AWS_REGION = 'eu-west-1';
    process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    const tally = new Tally();
    const client = createDeviceFarmClient(tally);
    const handler = scriptedHandler({ status: 200, body: { runs: [] } });
    client.config.requestHandler = handler;

    // Act
    await client.send(new ListRunsCommand({ arn: 'arn:aws:devicefarm:us-west-2:123456789012:project:p-app' }));
    await client.send(new ListRunsCommand({ arn: 'arn:aws:devicefarm:us-west-2:123456789012:project:p-app' }));

    // Assert
    expect(tally.snapshot()).toEqual({ 'devicefarm.ListRuns': 2, 'devicefarm.attempts': 2 });
    expect(handler.requests[0]?.hostname).toBe('devicefarm.us-west-2.amazonaws.com');
  });
});

describe('countCalls', () => {
  /** A Device Farm client answered by `handler`, making at most `maxAttempts`, its calls counted in `tally`. */
  function countedClient(tally: Tally, handler: ReturnType<typeof scriptedHandler>, maxAttempts: number) {
    const client = new DeviceFarmClient({
      region: 'us-west-2',
      credentials: CREDENTIALS,
      requestHandler: handler,
      maxAttempts,
    });
    countCalls(client, tally, 'devicefarm');
    return client;
  }

  it('counts the command once and each attempt when the SDK retries', async () => {
    // Arrange
    const tally = new Tally();
    const handler = scriptedHandler(
      {
        status: 500,
        body: { __type: 'ServiceUnavailableException', message: 'try again' },
        errorType: 'ServiceUnavailableException',
      },
      { status: 200, body: { projects: [] } },
    );
    const client = countedClient(tally, handler, 2);

    // Act
    await client.send(new ListProjectsCommand({}));

    // Assert
    expect(tally.snapshot()).toEqual({ 'devicefarm.ListProjects': 1, 'devicefarm.attempts': 2 });
  });

  it('counts a throttled attempt when Device Farm answers LimitExceededException', async () => {
    // Arrange
    const tally = new Tally();
    const handler = scriptedHandler({
      status: 400,
      body: { __type: 'LimitExceededException', message: 'Rate exceeded' },
      errorType: 'LimitExceededException',
    });
    const client = countedClient(tally, handler, 1);

    // Act
    const sent = client.send(new ListRunsCommand({ arn: 'arn:aws:devicefarm:us-west-2:123456789012:project:p-app' }));

    // Assert
    await expect(sent).rejects.toMatchObject({ name: 'LimitExceededException' });
    expect(tally.snapshot()).toEqual({ 'devicefarm.ListRuns': 1, 'devicefarm.attempts': 1, 'devicefarm.throttled': 1 });
  });
});
