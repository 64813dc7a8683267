/**
 * `filters` of ListDevices: `{ attribute, operator, values }` rules, all of which a
 * device must match. Attribute/operator pairs and value counts are checked as the API
 * reference describes them; a rule the service would refuse is an ArgumentException.
 */
import { argumentError } from './errors';
import type { WireDevice } from './model';

type Operator =
  | 'EQUALS'
  | 'CONTAINS'
  | 'IN'
  | 'NOT_IN'
  | 'LESS_THAN'
  | 'GREATER_THAN'
  | 'LESS_THAN_OR_EQUALS'
  | 'GREATER_THAN_OR_EQUALS';

const ORDERING: readonly Operator[] = ['LESS_THAN', 'GREATER_THAN', 'LESS_THAN_OR_EQUALS', 'GREATER_THAN_OR_EQUALS'];

/** Operators each `DeviceFilterAttribute` accepts. */
const OPERATORS: Readonly<Record<string, readonly Operator[]>> = {
  ARN: ['EQUALS', 'IN', 'NOT_IN'],
  PLATFORM: ['EQUALS'],
  OS_VERSION: ['EQUALS', 'IN', 'NOT_IN', ...ORDERING],
  MODEL: ['EQUALS', 'CONTAINS', 'IN', 'NOT_IN'],
  AVAILABILITY: ['EQUALS'],
  FORM_FACTOR: ['EQUALS'],
  MANUFACTURER: ['EQUALS', 'IN', 'NOT_IN'],
  REMOTE_ACCESS_ENABLED: ['EQUALS'],
  REMOTE_DEBUG_ENABLED: ['EQUALS'],
  INSTANCE_ARN: ['EQUALS', 'IN', 'NOT_IN'],
  INSTANCE_LABELS: ['CONTAINS'],
  FLEET_TYPE: ['EQUALS'],
};

/** A device's value for an attribute; undefined for device instances, which the emulator's devices never have. */
function attributeOf(device: WireDevice, attribute: string): string | undefined {
  switch (attribute) {
    case 'ARN':
      return device.arn;
    case 'PLATFORM':
      return device.platform;
    case 'OS_VERSION':
      return device.os;
    case 'MODEL':
      return device.model;
    case 'AVAILABILITY':
      return device.availability;
    case 'FORM_FACTOR':
      return device.formFactor;
    case 'MANUFACTURER':
      return device.manufacturer;
    case 'REMOTE_ACCESS_ENABLED':
      return device.remoteAccessEnabled ? 'TRUE' : 'FALSE';
    case 'FLEET_TYPE':
      return device.fleetType;
    default:
      return undefined;
  }
}

/** Compares dotted versions part by part, numerically where both parts are numbers (`9` < `10.3.2`). */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const x = left[i] ?? '0';
    const y = right[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const order = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (order !== 0) return Math.sign(order);
  }
  return 0;
}

type Rule = (device: WireDevice) => boolean;

function rule(raw: unknown): Rule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw argumentError('Invalid device filter');
  const { attribute, operator, values } = raw as Record<string, unknown>;
  if (typeof attribute !== 'string' || OPERATORS[attribute] === undefined) {
    throw argumentError(`Invalid device filter attribute: ${String(attribute)}`);
  }
  const allowed = OPERATORS[attribute] as readonly Operator[];
  if (typeof operator !== 'string' || !allowed.includes(operator as Operator)) {
    throw argumentError(`Operator ${String(operator)} is not supported for attribute ${attribute}`);
  }
  const op = operator as Operator;
  if (!Array.isArray(values) || values.length === 0 || values.some((value) => typeof value !== 'string')) {
    throw argumentError(`Device filter ${attribute} needs a non-empty list of string values`);
  }
  const wanted = values as string[];
  if (op !== 'IN' && op !== 'NOT_IN' && wanted.length !== 1) {
    throw argumentError(`Operator ${op} takes exactly one value`);
  }
  const [first = ''] = wanted;
  if (attribute === 'REMOTE_ACCESS_ENABLED' || attribute === 'REMOTE_DEBUG_ENABLED') {
    if (!/^(TRUE|FALSE)$/i.test(first)) throw argumentError(`${attribute} takes TRUE or FALSE`);
  }
  // Remote debugging is no longer supported: the service ignores this attribute.
  if (attribute === 'REMOTE_DEBUG_ENABLED') return () => true;
  const expected = attribute === 'REMOTE_ACCESS_ENABLED' ? first.toUpperCase() : first;

  return (device) => {
    const actual = attributeOf(device, attribute);
    switch (op) {
      case 'EQUALS':
        return actual === expected;
      case 'CONTAINS':
        return actual?.toLowerCase().includes(expected.toLowerCase()) === true;
      case 'IN':
        return actual !== undefined && wanted.includes(actual);
      case 'NOT_IN':
        return actual === undefined || !wanted.includes(actual);
      case 'LESS_THAN':
        return actual !== undefined && compareVersions(actual, expected) < 0;
      case 'GREATER_THAN':
        return actual !== undefined && compareVersions(actual, expected) > 0;
      case 'LESS_THAN_OR_EQUALS':
        return actual !== undefined && compareVersions(actual, expected) <= 0;
      case 'GREATER_THAN_OR_EQUALS':
        return actual !== undefined && compareVersions(actual, expected) >= 0;
    }
  };
}

/** The predicate of ListDevices' `filters` (every device when absent). */
export function deviceFilter(filters: unknown): Rule {
  if (filters === undefined || filters === null) return () => true;
  if (!Array.isArray(filters)) throw argumentError('filters must be a list');
  const rules = filters.map(rule);
  return (device) => rules.every((matches) => matches(device));
}
