/**
 * Device Farm's API exists only in us-west-2, whatever region Vigil is
 * deployed in: the client and the IAM policy both use this constant.
 */
export const DEVICE_FARM_REGION = 'us-west-2';
