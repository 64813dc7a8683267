import type { JobBrief } from '../../../../lambda/core/observation';
import type { Notification } from '../../../../lambda/deliver/compose';
import { PAYLOAD_MAX_BYTES, type SlackMessage, slackMessage } from '../../../../lambda/deliver/slack/blocks';
import { jobArn } from '../../../support/arns';
import { changeEvent, counters, runFinished } from '../../../support/builders';
import { deadlineChange, deadlineJob, deadlineSession } from '../../../support/deadline-builders';
import { notify, runFailed } from './scenarios';
import { slackLimitViolations, textsOf } from './slack-limits';

const KB10 = 'x'.repeat(10 * 1024);

/** A run whose 200 jobs all failed, each with a 10 KB message. */
function twoHundredFailedJobs(): Notification {
  const notPassed: JobBrief[] = Array.from({ length: 200 }, (_, i) => ({
    arn: jobArn(String(i).padStart(5, '0')),
    name: `Device ${i}`,
    status: 'COMPLETED',
    result: 'FAILED',
    device: { name: `Phone ${i}`, platform: 'ANDROID', os: '14' },
    counters: counters({ total: 40, passed: 30, failed: 10 }),
    minutes: { total: 12.5, metered: 12.5, unmetered: 0 },
    message: `Test run failed: ${KB10}`,
  }));
  return notify([
    runFinished('FAILED', {
      jobSummary: { total: 200, byResult: { FAILED: 200 }, notPassed, notPassedTruncated: 0 },
      counters: counters({ total: 8000, passed: 6000, failed: 2000 }),
      minutes: { total: 2500, metered: 2500, unmetered: 0 },
    }),
  ]);
}

/** A Deadline job failing with 200 failed sessions, each with a 10 KB log error, and a 10 KB message. */
function deadlineWithHugeLogs(): Notification {
  const job = { ...deadlineJob('777', 'FAILED', { FAILED: 200 }), message: `Job failed: ${KB10}` };
  const sessions = Array.from({ length: 200 }, (_, i) =>
    deadlineChange(deadlineSession(job, String(i), 'ENDED', `Worker crashed: ${KB10}`), { status: 'STARTED' }),
  );
  return notify([...sessions, deadlineChange(job, { status: 'RUNNING' })]);
}

function sectionTexts(message: SlackMessage): string[] {
  return message.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

describe('slackMessage', () => {
  describe('Slack limits', () => {
    it.each([
      ['a run with 200 failed jobs and 10 KB messages', twoHundredFailedJobs],
      ['a Deadline job with 200 failed sessions and 10 KB log errors', deadlineWithHugeLogs],
    ])('stays within every Slack limit for %s', (_case, build) => {
      // Act
      const message = slackMessage(build());

      // Assert
      expect(slackLimitViolations(message)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(message), 'utf8')).toBeLessThanOrEqual(PAYLOAD_MAX_BYTES);
    });

    it('lists as many jobs as fit, cuts each message with "…" and counts the rest when 200 jobs failed', () => {
      // Act
      const message = slackMessage(twoHundredFailedJobs());

      // Assert
      const list = sectionTexts(message).filter((t) => t.startsWith('*Jobs that did not pass*') || t.startsWith('• '));
      const lines = list.join('\n').split('\n');
      const listed = lines.filter((l) => l.startsWith('• *FAILED*')).length;
      expect(listed).toBeGreaterThan(5);
      expect(lines.at(-1)).toBe(`… and ${200 - listed} more`);
      const notes = lines.filter((l) => l.trimStart().startsWith('↳'));
      expect(notes).toHaveLength(listed);
      for (const note of notes) expect(note.endsWith('…')).toBe(true);
    });

    it('ends a long log error and a long message with "…" and counts the sessions left out', () => {
      // Act
      const message = slackMessage(deadlineWithHugeLogs());

      // Assert
      const texts = sectionTexts(message);
      const note = texts.find((t) => t.startsWith('*Message*\n'));
      expect(note?.endsWith('…')).toBe(true);
      expect(note?.length).toBeLessThanOrEqual(1100);
      const sessions = texts.filter((t) => t.includes('↳ log error: Worker crashed'));
      expect(sessions.length).toBeGreaterThan(0);
      expect(texts.join('\n')).toMatch(/… and \d+ more$/m);
    });

    it('ends a field with "…" when its value is longer than a field may be', () => {
      // Arrange
      const event = changeEvent('remote-access-session', {
        from: { status: 'RUNNING', result: 'PENDING' },
        to: { status: 'COMPLETED', result: 'PASSED' },
        state: { device: { name: `Phone ${'y'.repeat(5000)}`, platform: 'ANDROID', os: '14' } },
      });

      // Act
      const message = slackMessage(notify([event]));

      // Assert
      const fields = message.blocks.flatMap((b) => (b.type === 'section' ? (b.fields ?? []) : []));
      const device = fields.find((f) => f.text.startsWith('*Device*'));
      expect(device?.text.endsWith('…')).toBe(true);
      expect(device?.text.length).toBeLessThanOrEqual(2000);
      expect(slackLimitViolations(message)).toEqual([]);
    });

    it('cuts the header to 150 characters with "…" when the subject is longer', () => {
      // Arrange
      const n = runFailed();
      const long = { ...n, subject: `FAILED: ${'z'.repeat(400)}` };

      // Act
      const message = slackMessage(long);

      // Assert
      const header = message.blocks[0];
      expect(header?.type === 'header' && header.text.text.length).toBe(150);
      expect(header?.type === 'header' && header.text.text.endsWith('…')).toBe(true);
      expect(message.text).toBe(long.subject);
    });
  });

  it('escapes names so they cannot mention a channel or hide a link', () => {
    // Arrange
    const event = changeEvent('remote-access-session', {
      from: { status: 'RUNNING', result: 'PENDING' },
      to: { status: 'COMPLETED', result: 'PASSED' },
      state: { name: '<!channel> & <https://evil.example|click>' },
    });

    // Act
    const texts = textsOf(slackMessage(notify([event])));

    // Assert: the header is plain_text (never parsed); every mrkdwn text is escaped.
    const all = texts.slice(1).join('\n');
    expect(all).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil.example');
  });

  it('gives the severity emoji and the subject in the header and the subject as the fallback text', () => {
    // Act
    const message = slackMessage(runFailed());

    // Assert
    expect(message.text).toBe('FAILED: run nightly (3 of 48 jobs did not pass)');
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🔴 FAILED: run nightly (3 of 48 jobs did not pass)', emoji: true },
    });
  });
});
