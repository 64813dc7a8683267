/** The CLI's Log: warnings and errors on stderr, one readable line each; info and debug only when verbose. */
import type { Log } from '../core/log';

function line(level: string, message: string, extra?: Record<string, unknown>): string {
  const fields = Object.entries(extra ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${level}: ${message}${fields ? ` (${fields})` : ''}`;
}

export function consoleLog(write: (text: string) => void, verbose = false): Log {
  return {
    debug: (m, e) => verbose && write(line('debug', m, e)),
    info: (m, e) => verbose && write(line('info', m, e)),
    warn: (m, e) => write(line('warning', m, e)),
    error: (m, e) => write(line('error', m, e)),
  };
}
