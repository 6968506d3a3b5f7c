/**
 * An AWS SDK client configuration from the environment the lab passes (AWS_ENDPOINT_URL points
 * at the emulator through the service's link). No SDK import here: Lambdas import this alone.
 */
export interface AwsClientConfig {
  region: string;
  /** The SDK's own retries are off: the services' loops decide when to try again. */
  maxAttempts: number;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function awsClientConfig(env: NodeJS.ProcessEnv): AwsClientConfig {
  const region = env.AWS_REGION ?? 'us-east-1';
  const credentials = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY } : undefined;
  return { region, maxAttempts: 1, ...(env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {}), ...(credentials ? { credentials } : {}) };
}
