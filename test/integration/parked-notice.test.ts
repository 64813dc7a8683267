/**
 * A message SNS refuses for good, in full and in its safe form, through the
 * CLI: it is parked once and listed by `vigil undelivered`, the other
 * messages of the same cycle go out, later cycles leave it alone, and
 * `vigil undelivered --retry` sends it once the cause is fixed.
 *
 * The NotificationsParked CloudWatch alarm that tells someone in AWS is
 * covered by test/infra/operations.test.ts ("alarms when the notifier parks
 * a notification SNS refused for good").
 */

import { ArnBuilder, DEFAULT_ACCOUNT_ID } from '../emulators/device-farm';
import { BUSY_STEP_IDS, BUSY_STEP_SUBJECTS, busyStepScenario } from '../emulators/device-farm/scenarios/delivery';
import { type VigilResult, vigilEnv, vigilInProcess, writeConfig } from '../support/cli-process';
import { type PublishRequest, type StrictSns, startStrictSns } from '../support/local/strict-sns';
import { type Harness, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');
const SESSION_SUBJECT = 'PASSED: remote access session debug-login (12.5 min)';
const SESSION_EVENT = `${new ArnBuilder(DEFAULT_ACCOUNT_ID).remoteAccessSession(BUSY_STEP_IDS.project, BUSY_STEP_IDS.session)}@2`;
const REFUSAL = 'InvalidParameterException: Refused by the test (InvalidParameter)';

/** The session's message, in either form: the safe form keeps the eventType attribute. */
const isSessionNotice = (publish: PublishRequest) => publish.attributes.eventType?.stringValue === 'session-finished';

describe('vigil run with a message SNS refuses for good', () => {
  let harness: Harness | undefined;
  let sns: StrictSns | undefined;
  const globalSns = process.env.AWS_ENDPOINT_URL_SNS;

  afterEach(async () => {
    process.env.AWS_ENDPOINT_URL_SNS = globalSns;
    await Promise.all([harness?.stop(), sns?.stop()]);
    harness = undefined;
    sns = undefined;
  });

  it('parks it once, delivers the others, lists it, leaves it alone and sends it on --retry when SNS refuses both its forms', async () => {
    // Arrange: an SNS that refuses the session's message (both forms) until told otherwise, and counts its publishes.
    const upstream = process.env.VIGIL_FAUXQS_ENDPOINT;
    if (upstream === undefined) throw new Error('VIGIL_FAUXQS_ENDPOINT is not set (integration global setup)');
    let refusing = true;
    const sessionPublishes: PublishRequest[] = [];
    sns = await startStrictSns({
      upstream,
      refuse: (publish) => {
        if (!isSessionNotice(publish)) return undefined;
        sessionPublishes.push(publish);
        return refusing ? 'InvalidParameter' : undefined;
      },
    });
    // The CLI's SNS client reads its endpoint from the process environment.
    process.env.AWS_ENDPOINT_URL_SNS = sns.endpoint;
    harness = await startHarness({ scenario: busyStepScenario(START) });
    const env = vigilEnv(harness);
    const config = writeConfig({});
    const vigil = (...args: string[]): Promise<VigilResult> => vigilInProcess(args, env);
    const run = () => vigil('run', '--once', '--config', config);
    for (const step of [0, 1]) {
      harness.emulator.setStep(step);
      expect((await run()).code).toBe(0);
    }
    harness.emulator.setStep(2);

    // Act
    const refused = await run();
    const delivered = await harness.received();
    const later = [await run(), await run(), await run()];
    const publishesAfterLaterCycles = sessionPublishes.length;
    const listed = await vigil('undelivered');
    const listedJson = await vigil('undelivered', '--json');
    refusing = false;
    const retried = await vigil('undelivered', '--retry');
    const afterRetry = await harness.received();
    const listedAfter = await vigil('undelivered');
    const quiet = await run();

    // Assert: the cycle delivered the four others and parked the fifth (exit 1: something needs a person).
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(
      /^cycle \S+: 9 changes recorded, 4 notifications published; 1 event parked \(see vigil undelivered\)$/m,
    );
    expect(delivered.map((m) => m.subject).sort()).toEqual(BUSY_STEP_SUBJECTS.filter((s) => s !== SESSION_SUBJECT));
    expect(sns.refused.map((r) => `${r.code} ${r.publish.subject}`)).toEqual([
      `InvalidParameter ${SESSION_SUBJECT}`,
      'InvalidParameter Vigil session-finished notice (info)',
    ]);
    // Later cycles: nothing new, nothing retried (the two publishes are the full and the safe form).
    expect(later.map((r) => r.code)).toEqual([0, 0, 0]);
    for (const r of later) expect(r.out).toMatch(/^cycle \S+: 0 changes recorded, 0 notifications published$/m);
    expect(publishesAfterLaterCycles).toBe(2);
    // vigil undelivered: the exact lines.
    const [parked, ...others] = JSON.parse(listedJson.out) as { parkedAt: string; eventId: string }[];
    expect(others).toEqual([]);
    expect(parked).toMatchObject({ eventId: SESSION_EVENT, eventType: 'session-finished', subject: SESSION_SUBJECT });
    const pad = ' '.repeat(parked?.parkedAt.length ?? 0);
    expect(listed).toMatchObject({ code: 0, err: '' });
    expect(listed.out.split('\n')).toEqual([
      '1 event not delivered (SNS refused the message for good):',
      `  ${parked?.parkedAt}  session-finished  ${SESSION_SUBJECT}`,
      `  ${pad}  event ${SESSION_EVENT}`,
      `  ${pad}  error: ${REFUSAL}; safe form: ${REFUSAL}`,
      'Fix the cause (the error says what SNS refused), then run vigil undelivered --retry.',
    ]);
    // --retry once SNS takes it: sent once, in full, and off the list.
    expect(retried).toMatchObject({
      code: 0,
      out: 'Retried 1 parked event: 1 notification(s) published, 0 event(s) parked again, 0 waiting for a retry.',
    });
    expect(sessionPublishes).toHaveLength(3);
    expect(afterRetry.map((m) => ({ subject: m.subject, eventIds: m.document.eventIds }))).toEqual([
      { subject: SESSION_SUBJECT, eventIds: [SESSION_EVENT] },
    ]);
    expect(listedAfter.out).toBe('Nothing is parked: every notification was delivered or is still being retried.');
    expect(quiet.out).toMatch(/^cycle \S+: 0 changes recorded, 0 notifications published$/m);
    expect(sessionPublishes).toHaveLength(3);
  }, 60_000);
});
