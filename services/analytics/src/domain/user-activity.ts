export type Activity = 'registered' | 'ordered' | 'confirmed' | 'cancelled';

const ACTIVITIES: Record<string, Activity> = {
  'user.registered': 'registered',
  'order.created': 'ordered',
  'order.confirmed': 'confirmed',
  'order.cancelled': 'cancelled',
};

/** The user activity an event stands for, if any: one row of user_activity_fact per such event. */
export function activityOf(eventType: string): Activity | undefined {
  return ACTIVITIES[eventType];
}
