/** An EventBridge event as a rule's target receives it (an SQS message body, or a Lambda's input). */
export interface EventBridgeEvent<Detail = unknown> {
  id?: string;
  version?: string;
  account?: string;
  time?: string;
  region?: string;
  resources?: string[];
  source: string;
  'detail-type': string;
  detail: Detail;
}
