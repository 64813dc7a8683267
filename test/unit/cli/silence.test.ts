import { type SilenceOptions, silenceCommand } from '../../../lambda/cli/silence';
import { maintenanceWindowSchema } from '../../../lambda/config/settings';
import type { Silence, SilenceStore } from '../../../lambda/record/silences';

const NOW = new Date('2026-03-27T10:00:00.000Z');

class MemorySilences implements SilenceStore {
  readonly items: Silence[] = [];
  async active(now: Date) {
    return this.items.filter((s) => s.startsAt <= now.toISOString() && s.endsAt > now.toISOString());
  }
  async list() {
    return [...this.items];
  }
  async add(silence: Silence) {
    this.items.push(silence);
  }
  async expire(id: string, by: string, at: Date) {
    const i = this.items.findIndex((s) => s.id === id);
    const found = this.items[i];
    if (found === undefined) return undefined;
    if (found.endsAt <= at.toISOString()) return found;
    const ended = { ...found, endsAt: at.toISOString(), expiredBy: by, expiredAt: at.toISOString() };
    this.items[i] = ended;
    return ended;
  }
}

function run(action: string | undefined, id: string | undefined, options: Partial<SilenceOptions>) {
  const store = new MemorySilences();
  const out: string[] = [];
  const err: string[] = [];
  const io = { env: {}, cwd: '/', out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  const deps = {
    store,
    windows: [
      maintenanceWindowSchema.parse({
        name: 'lab-maintenance',
        days: ['SAT'],
        start: '02:00',
        end: '06:00',
        timeZone: 'Europe/Berlin',
        match: { projects: ['qa-sandbox'] },
      }),
    ],
    who: async () => 'alice',
    now: () => NOW,
    newId: () => 's-0000abcd',
  };
  return { promise: silenceCommand(action, id, { json: false, ...options }, deps, io), store, out, err };
}

/** The usage error `silenceCommand` throws. */
async function usage(options: Partial<SilenceOptions>, action = 'add'): Promise<string> {
  try {
    await run(action, undefined, options).promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('vigil silence', () => {
  it('adds a silence with who, when and why, and says what it does', async () => {
    const { promise, store, out } = run('add', undefined, {
      for: '2h',
      project: 'qa-sandbox',
      minSeverity: 'warning',
      reason: 'devices being replaced',
    });

    expect(await promise).toBe(0);
    expect(store.items).toEqual([
      {
        id: 's-0000abcd',
        match: { projects: ['qa-sandbox'], minSeverity: 'warning' },
        startsAt: '2026-03-27T10:00:00.000Z',
        endsAt: '2026-03-27T12:00:00.000Z',
        reason: 'devices being replaced',
        createdBy: 'alice',
        createdAt: '2026-03-27T10:00:00.000Z',
      },
    ]);
    expect(out[0]).toBe(
      'Silence s-0000abcd added until 2026-03-27T12:00:00.000Z (2 h): project=qa-sandbox min-severity=warning',
    );
    expect(out.at(-1)).toBe('End it early: vigil silence expire s-0000abcd');
  });

  it('lists the config’s maintenance windows with their next opening in UTC, DST included', async () => {
    const { promise, out } = run('list', undefined, {});

    expect(await promise).toBe(0);
    expect(out).toEqual([
      'No silence is active.',
      'Maintenance windows (config):',
      // Saturday 28 March 2026 is still winter time in Berlin (UTC+1): 02:00-06:00 is 01:00Z-05:00Z.
      '  lab-maintenance  SAT 02:00-06:00 Europe/Berlin  project=qa-sandbox  (next opens 2026-03-28T01:00:00.000Z, until 2026-03-28T05:00:00.000Z)',
    ]);
  });

  it.each<[string, Partial<SilenceOptions>, string]>([
    [
      'no matcher',
      { for: '2h', reason: 'x' },
      'vigil silence add needs at least one matcher: --service, --project, --kind, --event-type, --min-severity or --resource (a silence of everything is a maintenance window in the config)',
    ],
    [
      'no reason',
      { for: '2h', project: 'qa' },
      'vigil silence add needs --reason "why" (it is recorded with the silence)',
    ],
    [
      'no end',
      { project: 'qa', reason: 'x' },
      'vigil silence add needs --for <duration> (2h, 1d) or --until <ISO date and time>',
    ],
    [
      'both ends',
      { project: 'qa', reason: 'x', for: '2h', until: '2026-03-28T00:00:00Z' },
      'vigil silence add takes --for or --until, not both',
    ],
    [
      'an end in the past',
      { project: 'qa', reason: 'x', until: '2026-03-27T09:00:00Z' },
      '--until 2026-03-27T09:00:00Z is not in the future (now is 2026-03-27T10:00:00.000Z)',
    ],
    [
      'a date without a time',
      { project: 'qa', reason: 'x', until: '2026-03-28' },
      '--until "2026-03-28" is not a date and time; expected ISO 8601 like 2026-11-22T18:00:00Z',
    ],
    [
      'a silence of a year',
      { project: 'qa', reason: 'x', for: '365d' },
      'a silence lasts at most 90 days; for longer, change a rule or a channel filter',
    ],
    [
      'a misspelt kind',
      { for: '2h', reason: 'x', kind: 'runs' },
      '--kind "runs" is not one of run, job, remote-access-session, test-grid-session, deadline-job, deadline-session, budget',
    ],
    [
      'a severity Vigil does not use',
      { for: '2h', reason: 'x', minSeverity: 'critical' },
      '--min-severity "critical" is not one of info, warning, error',
    ],
    [
      'a resource that is not an ARN',
      { for: '2h', reason: 'x', resource: 'nightly' },
      '--resource "nightly" is not an ARN (arn:aws:devicefarm:…, arn:aws:deadline:…)',
    ],
  ])('refuses %s, saying what is accepted', async (_case, options, message) => {
    expect(await usage(options)).toBe(message);
  });

  it('says so when the silence to end does not exist', async () => {
    const { promise, err } = run('expire', 's-ffffffff', {});

    expect(await promise).toBe(1);
    expect(err).toEqual(['No silence has the id "s-ffffffff"; vigil silence list shows the active ones']);
  });
});
