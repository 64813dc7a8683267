/**
 * Golden files: the Slack message, the email text and the AWS Chatbot
 * message of each kind of notification, compared byte for byte with
 * test/fixtures/golden/. After an intended change, rewrite them with
 * `UPDATE_GOLDEN=1 npx jest test/unit/deliver/slack/golden.test.ts` and
 * review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chatbotNotification } from '../../../../lambda/deliver/chatbot/format';
import { slackMessage } from '../../../../lambda/deliver/slack/blocks';
import { readQueuedMessage } from '../../../../lambda/deliver/slack/queued-message';
import { GOLDEN_SCENARIOS, sqsBodyOf } from './scenarios';

const DIR = join(__dirname, '..', '..', '..', 'fixtures', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function expectGolden(file: string, actual: string): void {
  const path = join(DIR, file);
  if (UPDATE) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`Golden file ${path} is missing; run with UPDATE_GOLDEN=1 to write it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('golden messages', () => {
  describe.each(Object.entries(GOLDEN_SCENARIOS))('%s', (name, build) => {
    it('posts the Slack message in the golden file when the forwarder reads it from the queue', () => {
      // Arrange
      const notification = build();
      const queued = readQueuedMessage({ messageId: 'sqs-1', body: sqsBodyOf(notification, 'sns-1') });
      if (queued.kind !== 'vigil') throw new Error('the queued message was not read as a Vigil notification');

      // Act
      const message = slackMessage(queued.input);

      // Assert
      expect(message).toEqual(slackMessage(notification));
      expectGolden(`${name}.slack.json`, json(message));
    });

    it('writes the email text in the golden file', () => {
      const notification = build();

      expectGolden(`${name}.email.txt`, `Subject: ${notification.subject}\n\n${notification.text}\n`);
    });

    it('relays the AWS Chatbot message in the golden file', () => {
      const notification = build();

      expectGolden(`${name}.chatbot.json`, json(chatbotNotification(notification, 'sns-1')));
    });
  });
});
