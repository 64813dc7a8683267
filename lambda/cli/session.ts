/**
 * `vigil session start|stop`: remote access sessions with a limit the guard
 * enforces. Arguments are checked before any API call; names are resolved
 * to ARNs (a name that matches several devices is an error listing them).
 */
import {
  CreateRemoteAccessSessionCommand,
  type DeviceFarmClient,
  GetRemoteAccessSessionCommand,
  paginateListDevices,
  StopRemoteAccessSessionCommand,
} from '@aws-sdk/client-device-farm';
import type { GuardSettings } from '../config/settings';
import { errorMessage, errorName, UsageError } from '../core/errors';
import { consoleLink } from '../deliver/format';
import { remoteAccessObservation } from '../observe/device-farm/map';
import { listProjects } from '../observe/device-farm/pages';
import { HARD_LIMIT_MINUTES, minutesSoFar } from '../react/guard/decide';
import type { GuardLedger } from '../record/guard-ledger';
import type { CliIo } from './io';

export const INTERACTION_MODES = ['INTERACTIVE', 'NO_VIDEO', 'VIDEO_ONLY'] as const;
export const BILLING_METHODS = ['METERED', 'UNMETERED'] as const;

export interface StartOptions {
  readonly project?: string;
  readonly device?: string;
  readonly maxMinutes?: string;
  readonly name?: string;
  readonly interactionMode?: string;
  readonly billing?: string;
}

/** Validated start arguments. */
export interface StartRequest {
  readonly project: string;
  readonly device: string;
  readonly maxMinutes: number;
  readonly name?: string;
  readonly interactionMode: (typeof INTERACTION_MODES)[number];
  readonly billing: (typeof BILLING_METHODS)[number];
}

/** Checks every argument; throws a UsageError naming the argument and what it accepts. */
export function validateStart(options: StartOptions): StartRequest {
  if (options.project === undefined || options.project.trim() === '') {
    throw new UsageError('vigil session start needs --project <project name or ARN>');
  }
  if (options.device === undefined || options.device.trim() === '') {
    throw new UsageError('vigil session start needs --device <device name or ARN>');
  }
  if (options.maxMinutes === undefined) {
    throw new UsageError('vigil session start needs --max-minutes <minutes> (the guard stops the session there)');
  }
  // Plain decimals only: Number() would also take "0x1E" or "1e2".
  const maxMinutes = /^\d+(\.\d+)?$/.test(options.maxMinutes.trim()) ? Number(options.maxMinutes) : Number.NaN;
  if (!Number.isFinite(maxMinutes) || maxMinutes <= 0 || maxMinutes > HARD_LIMIT_MINUTES) {
    throw new UsageError(
      `--max-minutes ${JSON.stringify(options.maxMinutes)} is not a number of minutes above 0 and at most ${HARD_LIMIT_MINUTES} (Device Farm ends every remote access session at ${HARD_LIMIT_MINUTES})`,
    );
  }
  const interactionMode = options.interactionMode ?? 'INTERACTIVE';
  if (!(INTERACTION_MODES as readonly string[]).includes(interactionMode)) {
    throw new UsageError(
      `--interaction-mode ${JSON.stringify(interactionMode)} is not one of ${INTERACTION_MODES.join(', ')}`,
    );
  }
  const billing = options.billing ?? 'METERED';
  if (!(BILLING_METHODS as readonly string[]).includes(billing)) {
    throw new UsageError(`--billing ${JSON.stringify(billing)} is not one of ${BILLING_METHODS.join(', ')}`);
  }
  return {
    project: options.project,
    device: options.device,
    maxMinutes,
    ...(options.name === undefined ? {} : { name: options.name }),
    interactionMode: interactionMode as StartRequest['interactionMode'],
    billing: billing as StartRequest['billing'],
  };
}

async function resolveProject(client: DeviceFarmClient, wanted: string): Promise<string> {
  const projects = await listProjects(client);
  const match = projects.filter((p) => p.arn === wanted || p.name === wanted);
  if (match.length === 1 && match[0]?.arn !== undefined) return match[0].arn;
  if (match.length > 1) {
    throw new UsageError(
      `${match.length} projects are named ${JSON.stringify(wanted)}; give its ARN: ${match.map((p) => p.arn).join(', ')}`,
    );
  }
  throw new UsageError(
    `No Device Farm project is named ${JSON.stringify(wanted)}; known projects: ${projects.map((p) => p.name).join(', ') || '(none)'}`,
  );
}

async function resolveDevice(client: DeviceFarmClient, wanted: string): Promise<string> {
  const devices = [];
  for await (const page of paginateListDevices(
    { client },
    { filters: [{ attribute: 'REMOTE_ACCESS_ENABLED', operator: 'EQUALS', values: ['TRUE'] }] },
  )) {
    devices.push(...(page.devices ?? []));
  }
  const match = devices.filter((d) => d.arn === wanted || d.name?.toLowerCase() === wanted.toLowerCase());
  if (match.length === 1 && match[0]?.arn !== undefined) return match[0].arn;
  if (match.length > 1) {
    throw new UsageError(
      `${match.length} devices are named ${JSON.stringify(wanted)}; give one by ARN:\n${match.map((d) => `  ${d.arn}  (${d.name}, ${d.platform} ${d.os})`).join('\n')}`,
    );
  }
  const names = [...new Set(devices.map((d) => d.name).filter(Boolean))].slice(0, 10);
  throw new UsageError(
    `No device that allows remote access is named ${JSON.stringify(wanted)}; for example: ${names.join(', ') || '(none found)'}`,
  );
}

export async function startSession(
  request: StartRequest,
  deps: { client: DeviceFarmClient; ledger: GuardLedger; guard: GuardSettings; startedBy: string },
  io: CliIo,
): Promise<number> {
  const projectArn = await resolveProject(deps.client, request.project);
  const deviceArn = await resolveDevice(deps.client, request.device);
  const out = await deps.client.send(
    new CreateRemoteAccessSessionCommand({
      projectArn,
      deviceArn,
      ...(request.name === undefined ? {} : { name: request.name }),
      interactionMode: request.interactionMode,
      configuration: { billingMethod: request.billing },
    }),
  );
  const arn = out.remoteAccessSession?.arn;
  if (arn === undefined) throw new Error('CreateRemoteAccessSession returned no session ARN');
  await deps.ledger.setSessionLimit(arn, request.maxMinutes, deps.startedBy);
  io.out(`Started remote access session ${out.remoteAccessSession?.name ?? arn}`);
  io.out(`ARN      ${arn}`);
  const link = consoleLink(arn);
  if (link) io.out(`Console  ${link}`);
  io.out(
    deps.guard.autoStop && !deps.guard.dryRun
      ? `Limit    ${request.maxMinutes} min: Vigil's guard stops it there (warning at ${Math.round(request.maxMinutes * deps.guard.warnAt)} min).`
      : `Limit    ${request.maxMinutes} min: Vigil alerts there; it stops sessions only with guard.autoStop true${deps.guard.dryRun ? ' and dryRun false' : ''}.`,
  );
  return 0;
}

export async function stopSession(
  arn: string,
  deps: { client: DeviceFarmClient; ledger: GuardLedger; stoppedBy: string; now?: () => Date },
  io: CliIo,
): Promise<number> {
  if (!/^arn:aws[a-z-]*:devicefarm:[^:]+:\d+:session:[^/]+\/[^/]+/.test(arn)) {
    throw new UsageError(
      `${JSON.stringify(arn)} is not a remote access session ARN (arn:aws:devicefarm:us-west-2:<account>:session:<project id>/<session id>/00000)`,
    );
  }
  try {
    await deps.client.send(new StopRemoteAccessSessionCommand({ arn }));
  } catch (error) {
    if (errorName(error) === 'ArgumentException' || errorName(error) === 'NotFoundException') {
      io.err(`Device Farm did not stop ${arn}: ${errorMessage(error)}`);
      return 1;
    }
    throw error;
  }
  const session = (await deps.client.send(new GetRemoteAccessSessionCommand({ arn }))).remoteAccessSession;
  const now = (deps.now ?? (() => new Date()))();
  const projectArn = arn.replace(/:session:([^/]+)\/.*/, ':project:$1');
  const state =
    session === undefined ? undefined : remoteAccessObservation(session, { arn: projectArn }, now.toISOString());
  if (state !== undefined) {
    await deps.ledger.record({
      eventId: `${arn}#guard-stopped-by-user`,
      eventType: 'guard',
      service: 'devicefarm',
      kind: 'remote-access-session',
      arn,
      name: state.name,
      project: state.project,
      at: now.toISOString(),
      action: 'stopped-by-user',
      minutes: Math.round(minutesSoFar(state, now) * 10) / 10,
      by: deps.stoppedBy,
      state,
    });
  }
  io.out(`Stopped ${arn} (now ${session?.status ?? 'STOPPING'}); recorded as stopped by ${deps.stoppedBy}.`);
  return 0;
}
