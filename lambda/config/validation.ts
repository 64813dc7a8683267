/**
 * Schema helpers whose error message is the description of what is accepted,
 * and one formatter that turns zod issues into lines naming the field, the
 * value found and what would be accepted. Used for the config file (at synth
 * and in the CLI), the Lambda settings and untrusted event payloads.
 */
import * as z from 'zod';
import { ConfigError } from '../core/errors';

/** A whole number in [min, max]; every failure says exactly that. */
export function wholeNumber(min: number, max: number) {
  const accepted = `a whole number from ${min} to ${max}`;
  return z
    .number({ error: accepted })
    .int({ error: accepted })
    .min(min, { error: accepted })
    .max(max, { error: accepted });
}

/** One of a fixed list of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `one of ${values.join(', ')}` });
}

/** true or false. */
export function flag() {
  return z.boolean({ error: 'true or false' });
}

/** A non-empty string (trimmed length ≥ 1). */
export function text(what: string) {
  return z.string({ error: what }).refine((s) => s.trim().length > 0, { error: what });
}

/**
 * A name or ARN of something in AWS (a project, a farm): non-empty, and not
 * a URL, which is what a webhook pasted into the wrong field looks like.
 */
export function nameOrArn(what: string) {
  return text(what).refine((s) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(s.trim()), { error: `${what}, not a URL` });
}

/**
 * A label people and CloudWatch read (a budget's name is a metric dimension
 * and part of its alerts): printable ASCII, 1 to 100 characters, no space at
 * either end, so two names never differ only by a space nobody sees.
 */
export function label(what: string) {
  const accepted = `${what} of 1 to 100 printable ASCII characters, not starting or ending with a space`;
  return z.string({ error: accepted }).regex(/^[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?$/, { error: accepted });
}

/** An email address. */
export function emailAddress() {
  return z.email({ error: 'an email address like team@example.com' });
}

/** A list whose items follow `item`; the list itself must be an array. */
export function listOf<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: `a list of ${what}` });
}

/**
 * An object that rejects unknown keys, naming the keys it knows, so a typo
 * ("retentionDay") fails loudly instead of being ignored.
 */
export function section<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `one of the known settings: ${known}` : 'an object ({ ... })',
  });
}

/** Renders a path like `rules.jobResults[1]`; the top level is `(top level)`. */
export function renderPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function renderValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const json = JSON.stringify(value);
  // A webhook URL pasted into the wrong field must not reach synth output or CI logs.
  const shown = (json === undefined ? String(value) : json).replace(/(hooks\.slack\.com)\/[^"\s]*/gi, '$1/****');
  return `is ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`;
}

/** One line per problem: `<source>: <field> is <value>; expected <accepted>`. */
export function formatIssues(source: string, input: unknown, issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const where = renderPath([...issue.path, key]);
        lines.push(`${source}: ${where} is not a known setting; expected ${issue.message}`);
      }
      continue;
    }
    const where = renderPath(issue.path);
    lines.push(`${source}: ${where} ${renderValue(valueAt(input, issue.path))}; expected ${issue.message}`);
  }
  return lines;
}

/**
 * Parses `input` with `schema`, or throws a ConfigError whose message lists
 * every problem, one per line.
 */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, source: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = formatIssues(source, input, result.error.issues);
  throw new ConfigError(lines.join('\n'), { cause: result.error });
}
