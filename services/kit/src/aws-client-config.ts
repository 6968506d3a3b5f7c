/**
 * An AWS SDK client configuration from the aws settings (AWS_ENDPOINT_URL points at the emulator
 * through the service's link; on AWS it is unset and the task role signs). No SDK import here:
 * Lambdas import this alone.
 */
export interface AwsClientConfig {
  region: string;
  /** The SDK's own retries are off: the services' loops decide when to try again. */
  maxAttempts: number;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface AwsEnvironment {
  AWS_REGION?: string | undefined;
  AWS_ENDPOINT_URL?: string | undefined;
  AWS_ACCESS_KEY_ID?: string | undefined;
  AWS_SECRET_ACCESS_KEY?: string | undefined;
}

export function awsClientConfig(env: AwsEnvironment): AwsClientConfig {
  const region = env.AWS_REGION ?? 'us-east-1';
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY } : undefined;
  return { region, maxAttempts: 1, ...(env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {}), ...(credentials ? { credentials } : {}) };
}
