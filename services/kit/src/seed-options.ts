/** What `frank seed` passes a service's `seed(client, options)`: a seed number for determinism, and the lab's secrets. */
export interface SeedOptions {
  seed: number;
  secrets: { jwtSecret: string };
}
