/** The events {{name}}-service publishes (SERVICE.md, "Events"). */
export const ITEM_CREATED = '{{name}}.item-created';

export interface ItemCreated {
  itemId: string;
  name: string;
}
