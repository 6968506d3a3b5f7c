import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

export interface AwsSettings {
  endpoint?: string | undefined;
  region?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
}

/**
 * A client for the lab's emulator when an endpoint is given, for AWS itself otherwise. Keys given
 * here win; without them the SDK's own chain applies (a Lambda's role).
 */
export function createEventBridgeClient(settings: AwsSettings): EventBridgeClient {
  return new EventBridgeClient({
    region: settings.region ?? 'us-east-1',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
  });
}

/** PutEvents that fails unless every entry was taken: a partial failure is reported per entry, not thrown by the SDK. */
export function putEventsWith(client: EventBridgeClient): (entries: PutEventsRequestEntry[]) => Promise<void> {
  return async (entries) => {
    const result = await client.send(new PutEventsCommand({ Entries: entries }));
    if (result.FailedEntryCount) {
      const reasons = (result.Entries ?? []).filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
      throw new Error(`EventBridge refused ${result.FailedEntryCount} of ${entries.length} entries (${reasons.join('; ')})`);
    }
  };
}
