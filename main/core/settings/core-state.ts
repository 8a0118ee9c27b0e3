/**
 * What the core persists through the SettingsStore: the admin's settings and the configured
 * clusters (never their tokens — those live in the SecretStore). Reading is lenient: a damaged file
 * keeps every good field and cluster, drops or defaults the bad ones, and says which.
 */
import { z } from 'zod';
import { ClusterId, ClusterUrl, HexColour, LOCAL_CLUSTER_ID, Settings } from '../../../contract/admin-api.ts';

/** A configured remote cluster: a plain model; its connection lives in a ClusterClient. */
export const ClusterConfig = z.object({
  id: ClusterId.refine((id) => id !== LOCAL_CLUSTER_ID, 'the id "local" belongs to the embedded cluster'),
  name: z.string().trim().min(1).max(60),
  url: ClusterUrl,
  colour: HexColour.default('#4f7cff'),
  caCertificate: z.string().max(20_000).nullable().default(null),
  addedAt: z.string().default(() => new Date().toISOString()),
});
export type ClusterConfig = z.infer<typeof ClusterConfig>;

export interface CoreState {
  settings: Settings;
  clusters: ClusterConfig[];
}

export interface ReadCoreState extends CoreState {
  /** What was wrong with the stored data and what was done about it, for the admin. */
  problems: string[];
}

/** Parse stored data leniently: good fields kept, bad ones defaulted/dropped with a problem each. */
export function readCoreState(raw: unknown): ReadCoreState {
  const problems: string[] = [];
  const defaults = Settings.parse({});
  if (raw === undefined || raw === null) return { settings: defaults, clusters: [], problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { settings: defaults, clusters: [], problems: ['The stored settings were not an object: defaults are used.'] };
  }
  const record = raw as Record<string, unknown>;

  const settingsRaw = record.settings ?? {};
  const settings: Record<string, unknown> = { ...defaults };
  if (typeof settingsRaw !== 'object' || settingsRaw === null || Array.isArray(settingsRaw)) {
    problems.push('The stored settings were not an object: defaults are used.');
  } else {
    const shape = Settings.shape as Record<string, z.ZodType>;
    for (const [key, value] of Object.entries(settingsRaw as Record<string, unknown>)) {
      const field = shape[key];
      if (!field) {
        problems.push(`Unknown setting "${key}" was ignored.`);
        continue;
      }
      const parsed = field.safeParse(value);
      if (parsed.success) settings[key] = parsed.data;
      else problems.push(`Setting "${key}" was invalid (${z.prettifyError(parsed.error).replace(/\s+/g, ' ')}): the default is used.`);
    }
  }

  const clusters: ClusterConfig[] = [];
  const clustersRaw = record.clusters ?? [];
  if (!Array.isArray(clustersRaw)) {
    problems.push('The stored cluster list was not a list: no clusters were loaded. Add them again.');
  } else {
    for (const [i, entry] of clustersRaw.entries()) {
      const parsed = ClusterConfig.safeParse(entry);
      const label = typeof (entry as { name?: unknown })?.name === 'string' ? `"${(entry as { name: string }).name}"` : `#${i + 1}`;
      if (!parsed.success) {
        problems.push(`Cluster ${label} in the settings was invalid (${z.prettifyError(parsed.error).replace(/\s+/g, ' ')}) and was left out: add it again.`);
      } else if (clusters.some((c) => c.id === parsed.data.id)) {
        problems.push(`Cluster ${label} appeared twice in the settings; the first one was kept.`);
      } else {
        clusters.push(parsed.data);
      }
    }
  }
  return { settings: Settings.parse(settings), clusters, problems };
}

/** The persisted form. */
export function writeCoreState(state: CoreState): unknown {
  return { version: 1, settings: state.settings, clusters: state.clusters };
}
