/**
 * Vigil's AWS Device Farm emulator: an in-process awsJson1_1 server driven by a
 * step-based scenario, for integration tests with the real SDK client.
 *
 * @example
 * const emu = await startDeviceFarmEmulator({ scenario: demoScenario(new Date()) });
 * process.env.AWS_ENDPOINT_URL_DEVICE_FARM = emu.endpoint;
 * emu.advance();
 * emu.remoteAccessSession(arn); // read-only view of a session at the current step
 * await emu.stop();
 */
export { ArnBuilder, DEVICE_FARM_REGION, deviceArn } from './arns';
export type { FaultInjection, FaultKind } from './faults';
export type { WireDevice, WireRemoteAccessSession } from './model';
export { OPERATION_NAMES } from './operations';
export type {
  Counters,
  DeviceFarmScenario,
  DeviceMinutesSpec,
  ScenarioDevice,
  ScenarioJob,
  ScenarioListing,
  ScenarioProblem,
  ScenarioProject,
  ScenarioRemoteAccessSession,
  ScenarioRun,
  ScenarioTestGridProject,
  ScenarioTestGridSession,
  StateAt,
} from './scenario';
export { DEFAULT_ACCOUNT_ID } from './scenario';
export type { CallRecord, DeviceFarmEmulator, DeviceFarmEmulatorOptions } from './server';
export { DEVICE_FARM_TARGET_PREFIX, startDeviceFarmEmulator } from './server';
