/** The lab's Unleash secrets: the tokens are built from them, in the one place that knows Unleash's token format. */
export interface UnleashSecrets {
  adminSecret: string;
  clientSecret: string;
}

/**
 * Unleash's API tokens as it takes them for its initial tokens (`<project>:<environment>.<secret>`):
 * an admin token for every project and environment (frank's `flags` commands), and a backend
 * (client) token for the services, on the project and environment the lab's flags live in.
 */
export function unleashApiTokens(secrets: UnleashSecrets): { admin: string; client: string } {
  return { admin: `*:*.${secrets.adminSecret}`, client: `default:development.${secrets.clientSecret}` };
}
