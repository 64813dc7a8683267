/** The guard's one write to Device Farm: StopRemoteAccessSession. */
import { type DeviceFarmClient, StopRemoteAccessSessionCommand } from '@aws-sdk/client-device-farm';

export function stopWith(client: DeviceFarmClient) {
  return async (arn: string): Promise<void> => {
    await client.send(new StopRemoteAccessSessionCommand({ arn }));
  };
}
