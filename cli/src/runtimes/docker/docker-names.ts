/**
 * Names and labels of what the docker runtime creates. Every container, volume and network of a lab
 * carries `dev.frank.lab=<lab id>`, so `frank down` finds it after a crash; containers and volumes
 * also carry the resource they belong to.
 */
export const LAB_LABEL = 'dev.frank.lab';
export const RESOURCE_LABEL = 'dev.frank.resource';

export function networkName(labId: string): string {
  return `frank-${labId}`;
}

export function containerName(labId: string, resource: string): string {
  return `frank-${labId}-${resource}`;
}

export function volumeName(labId: string, resource: string): string {
  return `frank-${labId}-${resource}-data`;
}

export function labLabels(labId: string, resource?: string): Record<string, string> {
  return resource === undefined ? { [LAB_LABEL]: labId } : { [LAB_LABEL]: labId, [RESOURCE_LABEL]: resource };
}
