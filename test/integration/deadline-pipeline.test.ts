/**
 * The Deadline Cloud pipeline end to end: the real DeadlineClient against
 * Vigil's Deadline emulator, DynamoDB Local and fauxqs; polls and
 * EventBridge events through the same recording; what a subscriber gets.
 */
import { jobArn, queueArn } from '../../lambda/observe/deadline/arns';
import { eventsBetween } from '../emulators/deadline';
import { TWO_SESSION_IDS, TWO_SESSION_LOG_ERROR, twoSessionJobScenario } from '../emulators/deadline/scenarios';
import { changesOf } from '../support/changes';
import { DEADLINE_LOCATION, type Harness, itemWrites, type Received, startHarness } from '../support/pipeline';

const START = new Date('2026-11-21T02:00:00.000Z');
const IDS = TWO_SESSION_IDS;
const QUEUE = queueArn(DEADLINE_LOCATION, IDS.farm, IDS.queue);
const JOB = jobArn(DEADLINE_LOCATION, IDS.farm, IDS.queue, IDS.job);
const EVENT_CONTEXT = { account: DEADLINE_LOCATION.accountId, region: DEADLINE_LOCATION.region };

function emailWithFixedTime(message: Received): string {
  return message.email.replace(/^Observed \S+ by Vigil/m, 'Observed <time> by Vigil');
}

const EXPECTED_EMAIL = [
  'Deadline Cloud job two-session-job is now FAILED.',
  '',
  `Job        two-session-job (${IDS.job})`,
  `ARN        ${JOB}`,
  `Queue      two-session-queue (${IDS.queue})`,
  `Farm       two-session-farm (${IDS.farm})`,
  'Status     RUNNING → FAILED',
  'Tasks      10: FAILED 3, SUCCEEDED 7',
  'Lifecycle  CREATE_COMPLETE',
  'Started    2026-11-21T02:05:00.000Z',
  'Ended      2026-11-21T02:10:00.000Z',
  `AWS CLI    aws deadline get-job --farm-id ${IDS.farm} --queue-id ${IDS.queue} --job-id ${IDS.job} --region us-west-2`,
  '',
  'Sessions that failed:',
  `- UPDATE_FAILED  session ${IDS.failedSession} on worker ${IDS.failedWorker}, fleet ${IDS.fleet}, host ip-10-0-7-21.us-west-2.compute.internal, m5.2xlarge`,
  `  log error: ${TWO_SESSION_LOG_ERROR}`,
  '',
  `Observed <time> by Vigil (event ${JOB}@2).`,
  'To stop messages like this one, remove the status from rules.deadlineJobStatuses in vigil.config.json.',
].join('\n');

describe('Deadline Cloud pipeline', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  /** The two-session job's harness polled through steps 0 and 1, its emulator at step 2, where the job fails. */
  async function jobAboutToFail(): Promise<Harness> {
    const h = await startHarness({ deadline: twoSessionJobScenario(START) });
    harness = h; // stopped after the test even if a cycle here fails
    const deadline = h.deadline as NonNullable<Harness['deadline']>;
    for (const step of [0, 1]) {
      deadline.setStep(step);
      await h.cycle();
    }
    deadline.setStep(2);
    return h;
  }

  it('sends one message for a job that FAILED with one of its two sessions UPDATE_FAILED, naming the log error', async () => {
    harness = await startHarness({ deadline: twoSessionJobScenario(START) });
    const deadline = harness.deadline as NonNullable<Harness['deadline']>;
    const received: Received[][] = [];

    for (let step = 0; step <= 2; step++) {
      deadline.setStep(step);
      await harness.cycle();
      received.push(await harness.received());
    }

    expect(received.map((r) => r.map((m) => m.subject))).toEqual([
      [],
      [],
      ['FAILED: Deadline job two-session-job (3 of 10 tasks failed)'],
    ]);
    const [message] = received[2] as Received[];
    expect(message?.attributes).toEqual({
      service: 'deadline',
      kind: 'deadline-job',
      eventType: 'deadline-job',
      severity: 'error',
      project: 'two-session-queue',
    });
    expect(emailWithFixedTime(message as Received)).toBe(EXPECTED_EMAIL);
    // GetSession only for sessions that were new (step 1) or changed (step 2): 2 + 2.
    expect(deadline.calls.GetSession).toBe(4);
    const timeline = changesOf(await harness.store.timeline(`${JOB}/session/${IDS.failedSession}`));
    expect(timeline.map((t) => t.to.status)).toEqual(['STARTED', 'UPDATE_FAILED']);
    expect(timeline[1]?.state.deadline?.logError).toBe(TWO_SESSION_LOG_ERROR);
  });

  it('notifies once when the transition arrives as events first and the poll sees it after', async () => {
    harness = await jobAboutToFail();

    const outcomes = [];
    for (const event of eventsBetween(twoSessionJobScenario(START), 1, 2, EVENT_CONTEXT)) {
      outcomes.push((await harness.ingest(event)).outcome);
    }
    await harness.deliver();
    const fromEvents = await harness.received();
    const poll = await harness.cycle();
    const fromPoll = await harness.received();

    expect(outcomes).toEqual(['recorded', 'recorded', 'recorded', 'recorded']);
    expect(fromEvents.map((m) => m.subject)).toEqual(['FAILED: Deadline job two-session-job (3 of 10 tasks failed)']);
    expect(emailWithFixedTime(fromEvents[0] as Received)).toBe(EXPECTED_EMAIL);
    expect(poll.report.events).toEqual([]);
    expect(itemWrites(poll.calls)).toBe(0);
    expect(fromPoll).toEqual([]);
  });

  it('still notifies after the next poll when every event was lost', async () => {
    harness = await jobAboutToFail();
    // The events of step 1 → 2 are never delivered (EventBridge is best effort).

    await harness.cycle();

    expect((await harness.received()).map((m) => m.subject)).toEqual([
      'FAILED: Deadline job two-session-job (3 of 10 tasks failed)',
    ]);
  });

  it('records the queue, job and sessions under the ARNs the stack and the events use', async () => {
    harness = await startHarness({ deadline: twoSessionJobScenario(START) });
    (harness.deadline as NonNullable<Harness['deadline']>).setStep(1);

    const { report } = await harness.cycle();

    expect(report.events.map((e) => `${e.kind} ${e.arn.replace(QUEUE, '<queue>')} ${e.baseline}`).sort()).toEqual(
      [
        `deadline-job <queue>/job/${IDS.job} true`,
        `deadline-session <queue>/job/${IDS.job}/session/${IDS.endedSession} true`,
        `deadline-session <queue>/job/${IDS.job}/session/${IDS.failedSession} true`,
      ].sort(),
    );
    // Sessions are recorded before their job, so the job's event can be read with them in place.
    expect(report.events.at(-1)?.kind).toBe('deadline-job');
  });

  it('follows the sessions still active when their job finished until they end, then stops listing them', async () => {
    // The job FAILED at step 2; one session ENDED only at step 3, the UPDATE_FAILED one at step 4.
    const scenario = twoSessionJobScenario(START);
    const sessions = scenario.farms[0]?.queues[0]?.jobs[0]?.sessions ?? [];
    const late = sessions.find((s) => s.id === IDS.endedSession);
    const failed = sessions.find((s) => s.id === IDS.failedSession);
    if (late === undefined || failed === undefined) throw new Error('scenario changed: sessions missing');
    late.timeline = [
      { step: 1, lifecycleStatus: 'STARTED' },
      { step: 3, lifecycleStatus: 'ENDED' },
    ];
    failed.timeline = [...failed.timeline, { step: 4, lifecycleStatus: 'ENDED', logError: TWO_SESSION_LOG_ERROR }];
    harness = await startHarness({ deadline: scenario });
    const deadline = harness.deadline as NonNullable<Harness['deadline']>;
    const listSessionsAt: number[] = [];
    const getItemAt: number[] = [];
    for (let step = 0; step <= 5; step++) {
      deadline.setStep(step);
      const before = deadline.calls.ListSessions ?? 0;
      const { calls } = await harness.cycle();
      listSessionsAt.push((deadline.calls.ListSessions ?? 0) - before);
      getItemAt.push(calls['dynamodb.GetItem'] ?? 0);
    }

    const store = harness.store;
    const statuses = async (id: string) =>
      changesOf(await store.timeline(`${JOB}/session/${id}`)).map((t) => t.to.status);
    expect(await statuses(IDS.endedSession)).toEqual(['STARTED', 'ENDED']);
    expect(await statuses(IDS.failedSession)).toEqual(['STARTED', 'UPDATE_FAILED', 'ENDED']);
    expect((await harness.store.loadActive('deadline')).map((s) => s.arn)).toEqual([]);
    // Step 1: new job; 2: the job changed; 3 and 4: sessions still active; 5: nothing left to follow.
    expect(listSessionsAt).toEqual([0, 1, 1, 1, 1, 0]);
    // The finished job is named from its sessions' stored state, never read again.
    expect(getItemAt.slice(3)).toEqual([0, 0, 0]);
  });
});
