import type { GetSessionResponse, JobSummary } from '@aws-sdk/client-deadline';
import { jobArn, parseJobArn, parseSessionKey, queueArn, sessionKey } from '../../../../lambda/observe/deadline/arns';
import {
  deadlineJobObservation,
  deadlineSessionObservation,
  type QueueRef,
} from '../../../../lambda/observe/deadline/map';

const AT = { region: 'us-west-2', accountId: '111122223333' };
const FARM = `farm-${'a'.repeat(32)}`;
const QUEUE = `queue-${'b'.repeat(32)}`;
const JOB = `job-${'c'.repeat(32)}`;
const SESSION = `session-${'d'.repeat(32)}`;
const T = '2026-11-21T08:00:00.000Z';
const QUEUE_REF: QueueRef = {
  arn: queueArn(AT, FARM, QUEUE),
  name: 'renders',
  farmId: FARM,
  farmName: 'studio-farm',
  queueId: QUEUE,
};

describe('Deadline identities', () => {
  it('builds the documented job ARN and a session key under it', () => {
    const job = jobArn(AT, FARM, QUEUE, JOB);

    expect(job).toBe(`arn:aws:deadline:us-west-2:111122223333:farm/${FARM}/queue/${QUEUE}/job/${JOB}`);
    expect(sessionKey(job, SESSION)).toBe(`${job}/session/${SESSION}`);
    expect(parseJobArn(job)).toEqual({ farmId: FARM, queueId: QUEUE, jobId: JOB });
    expect(parseSessionKey(sessionKey(job, SESSION))).toEqual({
      farmId: FARM,
      queueId: QUEUE,
      jobId: JOB,
      sessionId: SESSION,
    });
  });

  it.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['eu-central-1', 'aws'],
  ])('uses the partition of %s', (region, partition) => {
    expect(queueArn({ region, accountId: '1' }, FARM, QUEUE)).toMatch(
      new RegExp(`^arn:${partition}:deadline:${region}:`),
    );
  });

  it('refuses what is not a Deadline job ARN', () => {
    expect(parseJobArn('arn:aws:devicefarm:us-west-2:1:run:p/r')).toBeUndefined();
    expect(parseSessionKey('no-session-here')).toBeUndefined();
  });
});

describe('deadlineJobObservation', () => {
  it('maps a full job summary, dropping zero task counts', () => {
    const job: JobSummary = {
      jobId: JOB,
      name: 'shot-020-comp',
      lifecycleStatus: 'CREATE_COMPLETE',
      lifecycleStatusMessage: '',
      priority: 50,
      createdAt: new Date(T),
      createdBy: 'user',
      startedAt: new Date('2026-11-21T08:05:00.000Z'),
      endedAt: new Date('2026-11-21T09:00:00.000Z'),
      taskRunStatus: 'FAILED',
      taskRunStatusCounts: { SUCCEEDED: 28, FAILED: 12, RUNNING: 0 },
    };

    const observation = deadlineJobObservation(job, QUEUE_REF, AT, T);

    expect(observation).toEqual({
      service: 'deadline',
      kind: 'deadline-job',
      arn: jobArn(AT, FARM, QUEUE, JOB),
      name: 'shot-020-comp',
      scope: QUEUE_REF.arn,
      project: { arn: QUEUE_REF.arn, name: 'renders' },
      status: 'FAILED',
      created: T,
      started: '2026-11-21T08:05:00.000Z',
      stopped: '2026-11-21T09:00:00.000Z',
      deadline: {
        farmId: FARM,
        farmName: 'studio-farm',
        queueId: QUEUE,
        queueName: 'renders',
        jobId: JOB,
        lifecycleStatus: 'CREATE_COMPLETE',
        taskRunStatusCounts: { FAILED: 12, SUCCEEDED: 28 },
        priority: 50,
      },
      observedAt: T,
    });
  });

  it('keeps an unknown status and leaves absent fields absent when the job has only an id', () => {
    const observation = deadlineJobObservation(
      { jobId: JOB, taskRunStatus: 'PAUSED_BY_MARS' } as unknown as JobSummary,
      { arn: QUEUE_REF.arn, farmId: FARM, queueId: QUEUE },
      AT,
      T,
    );

    expect(observation).toEqual({
      service: 'deadline',
      kind: 'deadline-job',
      arn: jobArn(AT, FARM, QUEUE, JOB),
      name: JOB,
      scope: QUEUE_REF.arn,
      project: { arn: QUEUE_REF.arn },
      status: 'PAUSED_BY_MARS',
      deadline: { farmId: FARM, queueId: QUEUE, jobId: JOB },
      observedAt: T,
    });
  });

  it('records UNKNOWN when the status is missing and nothing without a job id', () => {
    expect(deadlineJobObservation({ jobId: JOB } as JobSummary, QUEUE_REF, AT, T)?.status).toBe('UNKNOWN');
    expect(deadlineJobObservation({ name: 'no id' } as JobSummary, QUEUE_REF, AT, T)).toBeUndefined();
  });
});

describe('deadlineSessionObservation', () => {
  const job = deadlineJobObservation(
    { jobId: JOB, name: 'shot-020-comp', taskRunStatus: 'RUNNING' } as JobSummary,
    QUEUE_REF,
    AT,
    T,
  );

  it('maps GetSession with worker, fleet, host and both log errors', () => {
    const session: GetSessionResponse = {
      sessionId: SESSION,
      fleetId: 'fleet-1',
      workerId: 'worker-1',
      startedAt: new Date(T),
      endedAt: new Date('2026-11-21T08:30:00.000Z'),
      lifecycleStatus: 'UPDATE_FAILED',
      log: { logDriver: 'awslogs', error: 'Failed to create log stream' },
      workerLog: { logDriver: 'awslogs', error: 'Worker log unavailable' },
      hostProperties: { hostName: 'ip-10-0-0-12', ec2InstanceType: 'c5.4xlarge' },
    };

    const observation = deadlineSessionObservation(session, job as NonNullable<typeof job>, T);

    expect(observation).toEqual({
      service: 'deadline',
      kind: 'deadline-session',
      arn: `${jobArn(AT, FARM, QUEUE, JOB)}/session/${SESSION}`,
      name: SESSION,
      scope: jobArn(AT, FARM, QUEUE, JOB),
      project: { arn: QUEUE_REF.arn, name: 'renders' },
      parentArn: jobArn(AT, FARM, QUEUE, JOB),
      parentName: 'shot-020-comp',
      status: 'UPDATE_FAILED',
      created: T,
      started: T,
      stopped: '2026-11-21T08:30:00.000Z',
      deadline: {
        farmId: FARM,
        farmName: 'studio-farm',
        queueId: QUEUE,
        queueName: 'renders',
        jobId: JOB,
        sessionId: SESSION,
        workerId: 'worker-1',
        fleetId: 'fleet-1',
        hostName: 'ip-10-0-0-12',
        ec2InstanceType: 'c5.4xlarge',
        logError: 'Failed to create log stream',
        workerLogError: 'Worker log unavailable',
      },
      observedAt: T,
    });
  });

  it('maps a bare summary with an unknown lifecycle status and no host or logs', () => {
    const observation = deadlineSessionObservation(
      { sessionId: SESSION, lifecycleStatus: 'HIBERNATING' } as unknown as GetSessionResponse,
      job as NonNullable<typeof job>,
      T,
    );

    expect(observation?.status).toBe('HIBERNATING');
    expect(observation?.deadline).toEqual({
      farmId: FARM,
      farmName: 'studio-farm',
      queueId: QUEUE,
      queueName: 'renders',
      jobId: JOB,
      sessionId: SESSION,
    });
    expect(observation?.stopped).toBeUndefined();
  });
});
