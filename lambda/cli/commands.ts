/**
 * The `vigil` commands as data: what each takes and what it says in its
 * help. Nothing here loads the AWS SDK, so `vigil --help`, `vigil --version`
 * and `vigil <command> --help` answer without it; main.ts loads a command's
 * code only to run it.
 */

/** Every flag any command takes, as node:util parseArgs reads them. */
export const FLAGS = {
  once: { type: 'boolean' },
  interval: { type: 'string' },
  config: { type: 'string' },
  table: { type: 'string' },
  'topic-arn': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  json: { type: 'boolean' },
  wide: { type: 'boolean' },
  verbose: { type: 'boolean' },
  kind: { type: 'string' },
  limit: { type: 'string' },
  project: { type: 'string' },
  device: { type: 'string' },
  'max-minutes': { type: 'string' },
  name: { type: 'string' },
  'interaction-mode': { type: 'string' },
  billing: { type: 'string' },
  channel: { type: 'string' },
  date: { type: 'string' },
  retry: { type: 'boolean' },
  period: { type: 'string' },
  out: { type: 'string' },
  for: { type: 'string' },
  reason: { type: 'string' },
  service: { type: 'string' },
  'event-type': { type: 'string' },
  'min-severity': { type: 'string' },
  resource: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export type FlagName = keyof typeof FLAGS;

/** One command: its flags, how many words follow it, and its help. */
export interface CommandSpec {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** How it is called, one form per line. */
  readonly usage: readonly string[];
  /** What it does and what its flags mean. */
  readonly details: readonly string[];
  readonly flags: readonly FlagName[];
  /** Words after the command (a resource, a sub-command). */
  readonly positionals: { readonly min: number; readonly max: number };
}

/** Flags every command that reads or writes the table takes. */
const TABLE: readonly FlagName[] = ['table'];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary: 'poll, record, react and deliver: the whole pipeline on this machine',
    usage: [
      'vigil run [--once | --interval 60s] [--config vigil.config.json] [--table vigil] [--topic-arn ARN] [--verbose]',
    ],
    details: [
      'Polls Device Farm (and Deadline Cloud when enabled), records every change, lets the budgets and the',
      "session guard react, and publishes notifications, following the table's stream as the Lambdas do.",
      '  --once        one cycle, deliver what it caused, exit (0, or 1 if something failed)',
      '  --interval    time between cycles (30s, 5m; default: deviceFarm.pollMinutes); until Ctrl-C',
      '  --verbose     also log info lines and the calls each cycle made',
    ],
    flags: ['once', 'interval', 'config', 'topic-arn', 'verbose', ...TABLE],
    positionals: { min: 0, max: 0 },
  },
  {
    name: 'history',
    summary: "one resource's timeline, or everything in a time window",
    usage: [
      'vigil history <arn|id|name> [--since 1d|2026-11-21] [--json]',
      'vigil history --since <duration|date> [--until <date>] [--kind run] [--project P] [--limit 50] [--wide] [--json]',
    ],
    details: [
      'With a resource: its changes, each with the notification it caused. Without: every change since --since.',
      '  --since, --until   a duration back from now (30m, 2h, 1d, 1w) or a date (2026-11-21, 2026-11-21T08:00:00Z)',
      '  --kind             run, job, remote-access-session, test-grid-session, deadline-job, deadline-session, budget, guard, digest',
      '  --project          a project or queue, by name or ARN',
      '  --limit            at most this many events, the newest (default: all)',
      '  --wide             full ARNs (the default shows each resource by its id)',
    ],
    flags: ['since', 'until', 'kind', 'project', 'limit', 'wide', 'json', ...TABLE],
    positionals: { min: 0, max: 1 },
  },
  {
    name: 'status',
    summary: 'what is running now, with minutes so far',
    usage: ['vigil status [--wide] [--json]'],
    details: [
      'Every run, job, session and render that can still change, from the table.',
      '  --wide   full ARNs (the default shows each resource by its id)',
    ],
    flags: ['wide', 'json', ...TABLE],
    positionals: { min: 0, max: 0 },
  },
  {
    name: 'budget',
    summary: "each budget's period, minutes used, limit and forecast",
    usage: ['vigil budget [--period 2026-10|week-2026-11-16|2026-11-22] [--json] [--config vigil.config.json]'],
    details: [
      'The current period of each budget (or the one --period names): minutes used against the limit, thresholds',
      'reached, the forecast and the resources that used the most. Without a config file, the budgets the table',
      'has counted are shown.',
    ],
    flags: ['period', 'json', 'config', ...TABLE],
    positionals: { min: 0, max: 0 },
  },
  {
    name: 'session',
    summary: 'start or stop a remote access session the guard watches',
    usage: [
      'vigil session start --project <name|arn> --device <name|arn> --max-minutes N [--name NAME]',
      '                    [--interaction-mode INTERACTIVE|NO_VIDEO|VIDEO_ONLY] [--billing METERED|UNMETERED]',
      'vigil session stop <session arn>',
    ],
    details: ['start: starts a session whose own limit the guard enforces. stop: stops one, recording who stopped it.'],
    flags: ['project', 'device', 'max-minutes', 'name', 'interaction-mode', 'billing', 'config', ...TABLE],
    positionals: { min: 1, max: 2 },
  },
  {
    name: 'notify',
    summary: "send a test message through the topic and each channel's filter",
    usage: ['vigil notify test [--channel NAME] [--topic-arn ARN] [--config vigil.config.json]'],
    details: ['One test message per channel (or the one --channel names), so every subscription can be checked.'],
    flags: ['channel', 'topic-arn', 'config'],
    positionals: { min: 1, max: 1 },
  },
  {
    name: 'digest',
    summary: "write a day's digest (vigil run delivers it)",
    usage: ['vigil digest [--date YYYY-MM-DD] [--config vigil.config.json]'],
    details: ['Writes the daily digest of a UTC day (default: yesterday), once; the next vigil run delivers it.'],
    flags: ['date', 'config', ...TABLE],
    positionals: { min: 0, max: 0 },
  },
  {
    name: 'undelivered',
    summary: 'notifications SNS refused for good, and retrying them',
    usage: ['vigil undelivered [--json]', 'vigil undelivered --retry [--topic-arn ARN] [--config vigil.config.json]'],
    details: [
      'Lists the events the notifier parked, with the error SNS gave (alarm NotificationsParked).',
      '  --retry   puts them back in the outbox and delivers them again, once',
    ],
    flags: ['json', 'retry', 'topic-arn', 'config', ...TABLE],
    positionals: { min: 0, max: 0 },
  },
  {
    name: 'silence',
    summary: 'mute what matches for a while (maintenance, a known problem), list and end silences',
    usage: [
      'vigil silence add (--for 2h | --until 2026-11-22T18:00:00Z) --reason TEXT',
      '                  [--service S] [--project NAME] [--kind K] [--event-type T] [--min-severity S] [--resource ARN]',
      'vigil silence list [--json] [--config vigil.config.json]',
      'vigil silence expire <id>',
    ],
    details: [
      'add: what matches is recorded as silenced (vigil history shows it) and never sent, not even after the',
      "silence ends. A session's stop and Vigil's own alarms are never muted; the guard still acts.",
      'list: the active silences, and the maintenance windows of the config with when they open next.',
      'expire: ends a silence now.',
      '  --for, --until   how long: a duration (2h, 1d; at most 90d) or an ISO date and time',
      '  --reason         why, kept with who added it and when',
      "  --service ...    matchers, the channels' filter vocabulary (comma-separated values); all must match",
      '  --resource       one run, job, session or render, by ARN',
    ],
    flags: [
      'for',
      'until',
      'reason',
      'service',
      'project',
      'kind',
      'event-type',
      'min-severity',
      'resource',
      'json',
      'config',
      ...TABLE,
    ],
    positionals: { min: 1, max: 2 },
  },
  {
    name: 'report',
    summary: 'the history of a window as one HTML file: minutes, cost, runs, devices, tests, renders',
    usage: [
      'vigil report [--since 30d] [--until 2026-11-30] [--project NAME] [--out report.html] [--json] [--config vigil.config.json]',
    ],
    details: [
      'One self-contained HTML file (inline SVG and CSS, nothing fetched): device minutes and cost per day with',
      'the budget lines, runs by result, device health, failing and flaky tests, Deadline jobs and failed',
      'sessions, the longest remote access sessions. Read with Queries on the time index, never a Scan.',
      '  --since, --until   a duration back from now (30d) or a date; --until a date includes that whole day',
      '  --project          only this project or queue, by name or ARN',
      '  --out              where the HTML goes (default: report.html)',
      "  --json             print the report's data instead of writing the HTML",
    ],
    flags: ['since', 'until', 'project', 'out', 'json', 'config', ...TABLE],
    positionals: { min: 0, max: 0 },
  },
  {
    name: 'devices',
    summary: 'device health, worst first: pass rate, failures, minutes, flaky score',
    usage: ['vigil devices [--since 7d] [--json]'],
    details: [
      'Per device: runs, jobs, pass rate, FAILED and ERRORED jobs, minutes and a flaky score (how often its',
      'results flip between consecutive runs of the same project), sorted worst first.',
      '  --since   a duration back from now (7d) or a date (default: 7d)',
    ],
    flags: ['since', 'json', ...TABLE],
    positionals: { min: 0, max: 0 },
  },
];

const ENVIRONMENT = [
  'Endpoints, region and credentials come from the standard AWS settings (AWS_REGION, AWS_PROFILE,',
  'AWS_ENDPOINT_URL_DEVICE_FARM, AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS, ...).',
  'VIGIL_TABLE and VIGIL_TOPIC_ARN name the table and topic (the stack outputs TableName and TopicArn).',
];

/** `vigil --help`: every command with its summary. */
export function globalUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'vigil: monitor AWS Device Farm and Deadline Cloud; history and notifications in DynamoDB and SNS',
    '',
    'Usage: vigil <command> [flags]      vigil <command> --help for its flags',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Flags for every command: --help (-h); vigil --version (-V) prints the version.',
    '',
    ...ENVIRONMENT,
  ].join('\n');
}

/** `vigil <command> --help`. */
export function commandUsage(spec: CommandSpec): string {
  // --table is described in the column the command's own flags use.
  const column =
    spec.details
      .map((line) => /^( {2}--[\w-]+(?:, --[\w-]+)?\s+)\S/.exec(line)?.[1]?.length)
      .find((n) => n !== undefined) ?? 14;
  return [
    `vigil ${spec.name}: ${spec.summary}`,
    '',
    'Usage:',
    ...spec.usage.map((u) => `  ${u}`),
    '',
    ...spec.details,
    ...(spec.flags.includes('table')
      ? [`${'  --table'.padEnd(column)}the history table (default: VIGIL_TABLE, else vigil)`]
      : []),
    '',
    ...ENVIRONMENT,
  ].join('\n');
}

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The closest of `candidates` to `word`, if one is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(best.candidate.length / 3));
  return best.distance <= allowed || best.candidate.startsWith(word) ? best.candidate : undefined;
}

/** Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as one. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
