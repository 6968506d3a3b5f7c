import { z } from 'zod';

/** How the simulated channels behave; scenarios change it live through PUT /admin/channels. */
export const channelSettingsSchema = z.object({
  failureRate: z.number().min(0).max(1),
  latencyMs: z.number().int().min(0).max(60_000),
});

export type ChannelSettings = z.infer<typeof channelSettingsSchema>;

/** A PUT may change one setting or both; anything else in the body is a mistake worth a 400. */
export const channelSettingsPatchSchema = channelSettingsSchema.partial().strict();

export interface ChannelSettingsStore {
  get(): ChannelSettings;
  update(patch: Partial<ChannelSettings>): ChannelSettings;
}

/** The live settings of one process: they start from the environment and change through the admin endpoint. */
export function createChannelSettingsStore(initial: ChannelSettings): ChannelSettingsStore {
  let current = { ...initial };
  return {
    get: () => current,
    update(patch) {
      current = { ...current, ...patch };
      return current;
    },
  };
}
