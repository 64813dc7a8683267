import { type StartOptions, validateStart } from '../../../lambda/cli/session';
import { UsageError } from '../../../lambda/core/errors';
import { messageOf } from '../../support/errors';

const VALID: StartOptions = { project: 'Shop App', device: 'Google Pixel 8', maxMinutes: '30' };

/** The UsageError message `fn` throws. */
const usageError = (fn: () => unknown): string => messageOf(UsageError, fn);

const minutesMessage = (value: string) =>
  `--max-minutes "${value}" is not a number of minutes above 0 and at most 150 (Device Farm ends every remote access session at 150)`;

describe('validateStart', () => {
  it('defaults to an INTERACTIVE, METERED session', () => {
    expect(validateStart(VALID)).toEqual({
      project: 'Shop App',
      device: 'Google Pixel 8',
      maxMinutes: 30,
      interactionMode: 'INTERACTIVE',
      billing: 'METERED',
    });
  });

  it('keeps every option it is given', () => {
    expect(
      validateStart({
        ...VALID,
        maxMinutes: '150',
        name: 'checkout bug',
        interactionMode: 'VIDEO_ONLY',
        billing: 'UNMETERED',
      }),
    ).toEqual({
      project: 'Shop App',
      device: 'Google Pixel 8',
      maxMinutes: 150,
      name: 'checkout bug',
      interactionMode: 'VIDEO_ONLY',
      billing: 'UNMETERED',
    });
  });

  it('accepts a fraction of a minute', () => {
    expect(validateStart({ ...VALID, maxMinutes: '0.5' }).maxMinutes).toBe(0.5);
  });

  it.each<[string, StartOptions, string]>([
    ['no --project', { ...VALID, project: undefined }, 'vigil session start needs --project <project name or ARN>'],
    ['a blank --project', { ...VALID, project: '  ' }, 'vigil session start needs --project <project name or ARN>'],
    ['no --device', { ...VALID, device: undefined }, 'vigil session start needs --device <device name or ARN>'],
    ['an empty --device', { ...VALID, device: '' }, 'vigil session start needs --device <device name or ARN>'],
    [
      'no --max-minutes',
      { ...VALID, maxMinutes: undefined },
      'vigil session start needs --max-minutes <minutes> (the guard stops the session there)',
    ],
    ['zero minutes', { ...VALID, maxMinutes: '0' }, minutesMessage('0')],
    ['negative minutes', { ...VALID, maxMinutes: '-5' }, minutesMessage('-5')],
    ['more than 150 minutes', { ...VALID, maxMinutes: '151' }, minutesMessage('151')],
    ['non-numeric minutes', { ...VALID, maxMinutes: 'thirty' }, minutesMessage('thirty')],
    ['minutes with a unit', { ...VALID, maxMinutes: '30m' }, minutesMessage('30m')],
    ['empty minutes', { ...VALID, maxMinutes: '' }, minutesMessage('')],
    ['infinite minutes', { ...VALID, maxMinutes: 'Infinity' }, minutesMessage('Infinity')],
    [
      'an unknown interaction mode',
      { ...VALID, interactionMode: 'interactive' },
      '--interaction-mode "interactive" is not one of INTERACTIVE, NO_VIDEO, VIDEO_ONLY',
    ],
    ['an unknown billing method', { ...VALID, billing: 'FREE' }, '--billing "FREE" is not one of METERED, UNMETERED'],
  ])('rejects %s with a message naming the argument', (_case, options, expected) => {
    expect(usageError(() => validateStart(options))).toBe(expected);
  });

  it('checks the project before the device and the device before the minutes', () => {
    expect(usageError(() => validateStart({}))).toBe('vigil session start needs --project <project name or ARN>');
    expect(usageError(() => validateStart({ project: 'Shop App', maxMinutes: '0' }))).toBe(
      'vigil session start needs --device <device name or ARN>',
    );
  });
});
