/** The events {{name}}-service publishes (SERVICE.md, "Events"). */
export const ITEM_CREATED = '{{name}}.item-created';

export interface ItemCreated {
  itemId: string;
  name: string;
}

/** Its step of the saga: after {{after}}, it announces {{emits}} (service.yaml). */
export const SAGA_QUEUE = '{{name}}.saga';
export const AFTER = '{{after}}';
export const EMITS = '{{emits}}';

export interface StepDone {
  orderId: string;
}
