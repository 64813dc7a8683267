/**
 * What this bench measured with the engine as it was before this change
 * (jobs of every unfinished run listed every cycle; four scopes polled at
 * once, each making its calls one after another), so BENCHMARKS.md can show
 * before and after side by side. Counts are exact; times are this machine's.
 */
import type { Before } from './report';

export const BEFORE: Before = {
  note:
    "Before: lambda/observe as of commit 3778802 (every unfinished run's jobs listed in every cycle; a fixed four scopes " +
    'polled at once, each making its calls one after another), measured with this bench. After: this run.',
  fleets: {
    small: {
      baseline: { apiCalls: 5, itemWrites: 38 },
      first: { apiCalls: 5, itemWrites: 4 },
      steady: { apiCalls: 5, itemWrites: 6, seconds: 0.2 },
      idle: { apiCalls: 5, itemWrites: 0, seconds: 0.2 },
    },
    medium: {
      baseline: { apiCalls: 82, itemWrites: 3020 },
      first: { apiCalls: 72, itemWrites: 200 },
      steady: { apiCalls: 82, itemWrites: 430, seconds: 8.6 },
      idle: { apiCalls: 72, itemWrites: 0, seconds: 6.4 },
    },
    large: {
      first: { apiCalls: 1203, itemWrites: 0 },
      steady: { apiCalls: 1303, itemWrites: 6300, seconds: 131.4 },
      idle: { apiCalls: 1203, itemWrites: 0, seconds: 120.5 },
    },
    deadline: {
      baseline: { apiCalls: 352, itemWrites: 4470 },
      first: { apiCalls: 312, itemWrites: 570 },
      steady: { apiCalls: 322, itemWrites: 590, seconds: 32.2 },
      idle: { apiCalls: 132, itemWrites: 0, seconds: 12.8 },
    },
  },
  // Write units per change in the steady cycle, measured by this bench at commit a0a28b9 (items stored whole).
  writeUnitsPerChange: { small: 12.0, medium: 13.1, large: 14.3, deadline: 15.3 },
  // Measured by this bench at commit 30c882e: `import { z } from 'zod'` and every credential provider bundled.
  bundleBytes: {
    'account-budgets.ts': 832 * 1024,
    'forward-slack.ts': 838 * 1024,
    'guard-sessions.ts': 841 * 1024,
    'ingest-deadline-event.ts': 904 * 1024,
    'notify.ts': 877 * 1024,
    'poll-deadline.ts': 919 * 1024,
    'poll-device-farm.ts': 866 * 1024,
    'relay-chatbot.ts': 835 * 1024,
    'send-digest.ts': 826 * 1024,
  },
};
