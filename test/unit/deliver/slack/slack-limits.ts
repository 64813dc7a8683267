/**
 * Slack's Block Kit limits, written out independently of the formatter
 * (https://api.slack.com/reference/block-kit/blocks), and a checker that
 * lists every way a message breaks them.
 */
import type { SlackMessage } from '../../../../lambda/deliver/slack/blocks';

const LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fields: 10,
  field: 2000,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  url: 3000,
  actionId: 255,
  text: 40_000,
};

/** Every limit `message` breaks, as readable lines; empty when it is within all of them. */
export function slackLimitViolations(message: SlackMessage): string[] {
  const out: string[] = [];
  const over = (what: string, length: number, max: number) => {
    if (length > max) out.push(`${what}: ${length} > ${max}`);
  };
  over('blocks', message.blocks.length, LIMITS.blocks);
  over('text', message.text.length, LIMITS.text);
  message.blocks.forEach((block, i) => {
    switch (block.type) {
      case 'header':
        over(`blocks[${i}] header`, block.text.text.length, LIMITS.header);
        if (block.text.type !== 'plain_text') out.push(`blocks[${i}] header is not plain_text`);
        break;
      case 'section':
        if (block.text === undefined && block.fields === undefined) out.push(`blocks[${i}] section is empty`);
        if (block.text !== undefined) over(`blocks[${i}] section text`, block.text.text.length, LIMITS.sectionText);
        if (block.fields !== undefined) {
          over(`blocks[${i}] fields`, block.fields.length, LIMITS.fields);
          block.fields.forEach((f, j) => {
            over(`blocks[${i}] fields[${j}]`, f.text.length, LIMITS.field);
          });
        }
        break;
      case 'context':
        over(`blocks[${i}] context elements`, block.elements.length, LIMITS.contextElements);
        block.elements.forEach((e, j) => {
          over(`blocks[${i}] context[${j}]`, e.text.length, LIMITS.contextText);
        });
        break;
      case 'actions':
        for (const button of block.elements) {
          over(`blocks[${i}] button text`, button.text.text.length, LIMITS.buttonText);
          over(`blocks[${i}] button url`, button.url.length, LIMITS.url);
          over(`blocks[${i}] action_id`, button.action_id.length, LIMITS.actionId);
        }
        break;
    }
  });
  return out;
}

/** Every mrkdwn and plain text of a message, in order. */
export function textsOf(message: SlackMessage): string[] {
  return message.blocks.flatMap((block) => {
    switch (block.type) {
      case 'header':
        return [block.text.text];
      case 'section':
        return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)];
      case 'context':
        return block.elements.map((e) => e.text);
      default:
        return block.elements.map((e) => e.text.text);
    }
  });
}
