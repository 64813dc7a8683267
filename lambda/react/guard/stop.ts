/**
 * The guard's calls to Device Farm: StopRemoteAccessSession, and the
 * GetRemoteAccessSession that confirms a session still runs right before.
 */
import {
  type DeviceFarmClient,
  GetRemoteAccessSessionCommand,
  StopRemoteAccessSessionCommand,
} from '@aws-sdk/client-device-farm';

export function stopWith(client: DeviceFarmClient) {
  return async (arn: string): Promise<void> => {
    await client.send(new StopRemoteAccessSessionCommand({ arn }));
  };
}

/** The session's status now; undefined when Device Farm no longer has it. */
export function statusWith(client: DeviceFarmClient) {
  return async (arn: string): Promise<string | undefined> => {
    try {
      const out = await client.send(new GetRemoteAccessSessionCommand({ arn }));
      return out.remoteAccessSession?.status;
    } catch (error) {
      if (error instanceof Error && error.name === 'NotFoundException') return undefined;
      throw error;
    }
  };
}
