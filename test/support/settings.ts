import type { Settings } from '../../lambda/config/settings';

/**
 * The runtime settings every default gives, spelled out as a literal so that
 * the tests comparing against it check the defaults themselves (never derive
 * it from DEFAULT_SETTINGS). Tests that expect other values spread it and
 * name what differs.
 */
export const EXPECTED_DEFAULT_SETTINGS: Settings = {
  deviceFarm: { enabled: true, projects: [], fullListingMinutes: 60 },
  deadline: { enabled: false, farms: [], excludeFarms: [], queues: [], excludeQueues: [], fullListingMinutes: 60 },
  budgets: [],
  guard: { projects: {}, warnAt: 0.8, autoStop: false, dryRun: false },
  rules: {
    runFinished: true,
    jobResults: ['FAILED', 'ERRORED', 'STOPPED', 'WARNED'],
    remoteAccessFinished: true,
    testGridStatuses: ['ERRORED'],
    unknownStatus: true,
    deadlineJobStatuses: ['SUCCEEDED', 'FAILED', 'CANCELED', 'SUSPENDED', 'NOT_COMPATIBLE'],
    deadlineSessionFailures: true,
    stuckMinutes: { deviceFarm: 60, remoteAccess: 15, deadline: 60 },
  },
  history: { eventRetentionDays: 90 },
  digest: { enabled: true, hourUtc: 7 },
  delivery: { claimLeaseSeconds: 180, sweepAfterMinutes: 5 },
  pricing: { currency: 'USD', meteredDeviceMinute: 0.17, testGridMinute: 0.005 },
  maintenanceWindows: [],
  reminders: {
    everyHours: 24,
    max: 3,
    sessionOverLimit: false,
    budgetOverLimit: false,
    deadlineJobs: false,
    failingRuns: false,
  },
};
