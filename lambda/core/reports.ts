/**
 * The report the daily digest writes beside each digest: shared by the
 * engine (which writes it) and the stack (which grants the write and
 * expires it).
 */

/** Days of history in the digest's report. */
export const DIGEST_REPORT_DAYS = 30;

/** Where in the report bucket the reports go (`reports/<day>.html`); the digest function may write only there. */
export const REPORT_PREFIX = 'reports/';
