import { createHash } from 'node:crypto';
import { ListRulesCommand, ListTargetsByRuleCommand, type EventBridgeClient, type Rule } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { lastDueAt, readRate } from '@frank/contracts/schedule';
import type { Logger } from '@frank/kit';
import { errorFields } from '@frank/kit/log';
import type { EventBridgeEvent } from './eventbridge-event.js';
import { SCHEDULED_DETAIL_TYPE, SCHEDULED_SOURCE } from './scheduled-event.js';

export interface ScheduleFirerOptions {
  events: EventBridgeClient;
  sqs: SQSClient;
  log: Logger;
  /** How often the rules are read and due schedules fired: the most a firing is late by, plus delivery. */
  tickMs?: number;
  now?: () => Date;
}

export interface ScheduleFirer {
  stop(): Promise<void>;
}

/** EventBridge runs schedules on the default bus only. */
const SCHEDULE_BUS = 'default';

/**
 * The lab's stand-in for EventBridge's scheduler, which the emulator lacks (moto stores a rule's
 * ScheduleExpression and never fires it). Reads the scheduled rules and their targets from the
 * emulator itself (ListRules, ListTargetsByRule), so what frank.yaml or Terraform put there is what
 * fires, and sends each SQS target AWS's `Scheduled Event`. Like AWS it does not fire times that
 * passed before it saw the rule; a firing that could not be delivered is tried again next tick.
 */
export function startScheduleFirer(options: ScheduleFirerOptions): ScheduleFirer {
  const { events, sqs, log, tickMs = 1000, now = () => new Date() } = options;
  const aborter = new AbortController();
  const signal = aborter.signal;
  const firedUpTo = new Map<string, number>();
  const warned = new Set<string>();
  const queueUrls = new Map<string, string>();
  const warnOnce = (key: string, message: string, fields: Record<string, unknown>) => {
    if (warned.has(key)) return;
    warned.add(key);
    log.warn(message, fields);
  };

  const deliver = async (rule: Rule, scheduledAt: Date) => {
    const event = scheduledEvent(rule.Arn!, scheduledAt);
    const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: rule.Name, EventBusName: SCHEDULE_BUS }), { abortSignal: signal });
    for (const target of Targets) {
      const queue = /^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:(.+)$/.exec(target.Arn ?? '')?.[1];
      if (!queue) {
        warnOnce(`${rule.Arn}/${target.Id}`, 'scheduled rule target is not an SQS queue; the lab fires SQS targets only', {
          rule: rule.Name,
          target: target.Arn,
        });
        continue;
      }
      let url = queueUrls.get(queue);
      if (!url) {
        url = (await sqs.send(new GetQueueUrlCommand({ QueueName: queue }), { abortSignal: signal })).QueueUrl!;
        queueUrls.set(queue, url);
      }
      // A target's constant Input replaces the event, as on AWS.
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: target.Input ?? JSON.stringify(event) }), { abortSignal: signal });
    }
    log.info('scheduled rule fired', { rule: rule.Name, scheduledAt: event.time, eventId: event.id, lateMs: now().getTime() - scheduledAt.getTime() });
  };

  const tick = async () => {
    for (const rule of await scheduledRules(events, signal)) {
      const schedule = readRate(rule.ScheduleExpression!);
      if ('problem' in schedule) {
        warnOnce(`${rule.Arn} ${rule.ScheduleExpression}`, 'scheduled rule not fired by the lab', {
          rule: rule.Name,
          schedule: rule.ScheduleExpression,
          problem: schedule.problem,
        });
        continue;
      }
      const due = lastDueAt(schedule, now()).getTime();
      const fired = firedUpTo.get(rule.Arn!);
      if (fired === undefined) firedUpTo.set(rule.Arn!, due);
      else if (due > fired) {
        await deliver(rule, new Date(due));
        firedUpTo.set(rule.Arn!, due);
      }
    }
  };

  const running = (async () => {
    while (!signal.aborted) {
      try {
        await tick();
      } catch (error) {
        if (signal.aborted) break;
        warnOnce(`tick ${String(error)}`, 'schedules not read or fired; retrying every tick', errorFields(error));
      }
      await new Promise<void>((resolve) => {
        const wake = () => (clearTimeout(timer), resolve());
        const timer = setTimeout(() => (signal.removeEventListener('abort', wake), resolve()), tickMs);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  })();
  return {
    async stop() {
      aborter.abort();
      await running;
    },
  };
}

async function scheduledRules(events: EventBridgeClient, signal: AbortSignal): Promise<Rule[]> {
  const rules: Rule[] = [];
  let NextToken: string | undefined;
  do {
    const page = await events.send(new ListRulesCommand({ EventBusName: SCHEDULE_BUS, NextToken }), { abortSignal: signal });
    rules.push(...(page.Rules ?? []).filter((r) => r.ScheduleExpression && r.State === 'ENABLED' && r.Arn && r.Name));
    NextToken = page.NextToken;
  } while (NextToken);
  return rules;
}

/**
 * The event AWS sends a scheduled rule's targets. Its id is a UUID derived from the rule and the
 * time, so a firing repeated (a restart, a second firer) is the same event.
 */
export function scheduledEvent(ruleArn: string, scheduledAt: Date): Required<EventBridgeEvent<Record<string, never>>> {
  const [, , , region = '', account = ''] = ruleArn.split(':');
  const hex = createHash('sha256').update(`${ruleArn} ${scheduledAt.toISOString()}`).digest('hex');
  return {
    version: '0',
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
    'detail-type': SCHEDULED_DETAIL_TYPE,
    source: SCHEDULED_SOURCE,
    account,
    // AWS writes whole seconds.
    time: scheduledAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [ruleArn],
    detail: {},
  };
}
