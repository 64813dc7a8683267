/** Jest globalTeardown of the integration project: stops what global-setup started. */
import { takeLocalServices } from './global-setup';

/** Stops the strict SNS, then DynamoDB Local and fauxqs. */
export default async function globalTeardown(): Promise<void> {
  const services = takeLocalServices();
  if (services === undefined) return;
  await services.strictSns.stop();
  await Promise.all([services.dynamoDb.stop(), services.fauxqs.stop()]);
}
