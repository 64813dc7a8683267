import type { Kind } from '../../../lambda/core/observation';
import { GONE_STATUS, isKnownResult, isKnownStatus, isTerminal } from '../../../lambda/core/status';

describe('isTerminal', () => {
  it.each<[Kind, string, boolean]>([
    ['run', 'COMPLETED', true],
    ['run', 'RUNNING', false],
    ['run', 'STOPPING', false],
    ['run', 'PENDING_CONCURRENCY', false],
    ['run', 'NOT_FOUND', true],
    ['run', 'ARCHIVED', false],
    ['job', 'COMPLETED', true],
    ['job', 'PREPARING', false],
    ['job', 'NOT_FOUND', true],
    ['remote-access-session', 'COMPLETED', true],
    ['remote-access-session', 'RUNNING', false],
    ['remote-access-session', 'NOT_FOUND', true],
    ['test-grid-session', 'CLOSED', true],
    ['test-grid-session', 'ERRORED', true],
    ['test-grid-session', 'ACTIVE', false],
    ['test-grid-session', 'COMPLETED', false],
    ['test-grid-session', 'NOT_FOUND', true],
    ['test-grid-session', 'EXPIRED', false],
  ])('says %s with status %s is terminal: %s', (kind, status, expected) => {
    // Act / Assert
    expect(isTerminal(kind, status)).toBe(expected);
  });

  it('uses NOT_FOUND as the status of a resource the API stopped returning', () => {
    expect(GONE_STATUS).toBe('NOT_FOUND');
  });
});

describe('isKnownStatus', () => {
  it.each<[Kind, string, boolean]>([
    ['run', 'SCHEDULING', true],
    ['job', 'RUNNING', true],
    ['remote-access-session', 'STOPPING', true],
    ['run', 'NOT_FOUND', true],
    ['test-grid-session', 'NOT_FOUND', true],
    ['test-grid-session', 'ACTIVE', true],
    ['test-grid-session', 'RUNNING', false],
    ['run', 'ACTIVE', false],
    ['run', 'QUEUED', false],
    ['run', 'UNKNOWN', false],
    ['run', 'completed', false],
  ])('says %s status %s is known: %s', (kind, status, expected) => {
    expect(isKnownStatus(kind, status)).toBe(expected);
  });
});

describe('isKnownResult', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['PENDING', true],
    ['PASSED', true],
    ['WARNED', true],
    ['FAILED', true],
    ['SKIPPED', true],
    ['ERRORED', true],
    ['STOPPED', true],
    ['FLAKY', false],
    ['', false],
  ])('says result %s is known: %s', (result, expected) => {
    expect(isKnownResult(result)).toBe(expected);
  });
});
