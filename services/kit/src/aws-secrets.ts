import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientConfig, type AwsEnvironment } from './aws-client-config.js';

/** A reference as ECS's `valueFrom` writes it: the secret's ARN, then optionally `:<json key>:<version stage>:<version id>`. */
export interface SecretReference {
  arn: string;
  jsonKey?: string;
  versionStage?: string;
  versionId?: string;
}

/** `arn:aws:secretsmanager:<region>:<account>:secret:<name>` has seven parts; what follows is ECS's. */
export function parseSecretReference(reference: string): SecretReference {
  const parts = reference.split(':');
  if (parts.length < 7 || parts[2] !== 'secretsmanager') throw new Error(`not a Secrets Manager reference: ${reference}`);
  const [jsonKey, versionStage, versionId] = parts.slice(7).map((part) => part || undefined);
  return { arn: parts.slice(0, 7).join(':'), ...(jsonKey ? { jsonKey } : {}), ...(versionStage ? { versionStage } : {}), ...(versionId ? { versionId } : {}) };
}

/** Reads secrets the way ECS resolves `valueFrom` (a JSON key when the reference names one), each secret once. */
export function secretReader(env: AwsEnvironment): { read(reference: string): Promise<string>; close(): void } {
  const client = new SecretsManagerClient({ ...awsClientConfig(env), maxAttempts: 3 });
  const fetched = new Map<string, Promise<string>>();
  return {
    async read(reference) {
      const { arn, jsonKey, versionStage, versionId } = parseSecretReference(reference);
      const key = `${arn}|${versionStage ?? ''}|${versionId ?? ''}`;
      let value = fetched.get(key);
      if (!value) {
        value = client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: versionStage, VersionId: versionId })).then((answer) => {
          if (answer.SecretString === undefined) throw new Error(`secret ${arn} holds no string`);
          return answer.SecretString;
        });
        value.catch(() => fetched.delete(key));
        fetched.set(key, value);
      }
      const text = await value;
      if (!jsonKey) return text;
      const field = (JSON.parse(text) as Record<string, unknown>)[jsonKey];
      if (field === undefined) throw new Error(`secret ${arn} has no key ${jsonKey}`);
      return typeof field === 'string' ? field : JSON.stringify(field);
    },
    close: () => client.destroy(),
  };
}
