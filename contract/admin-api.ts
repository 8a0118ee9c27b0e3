/**
 * The AdminApi: everything the renderer can ask of the desktop core, in Electron (over IPC through
 * the preload) and in browser mode (over HTTP + SSE from main/web). The spec below is the single
 * source: each method's arguments as a zod tuple (parsed on the main side before the core is
 * called) and its result schema. The preload exposes exactly these methods plus `onEvent`; a test
 * fails when they drift.
 */
import { z } from 'zod';
import {
  ActionResult,
  BulkActionRequest,
  BulkActionResponse,
  ClusterInfo,
  CreateMaintenanceWindowRequest,
  CreateScheduleRequest,
  JobActionBody,
  JobFilter,
  JobSort,
  MaintenanceWindow,
  QueueAction,
  QueueActionBody,
  Schedule,
  SubmitJobRequest,
} from './api.ts';
import { JobAction, JobType } from './domain.ts';
import { CAPACITY_ADMIN_API } from './capacity.ts';
import { FAILURE_ADMIN_API } from './failure-api.ts';
import { REPORT_ADMIN_API } from './report-api.ts';
import { Instant, Job, JobDetail, JobFileName, JobId, LogPage } from './jobs.ts';
import { BacklogForecastPoint, LoadWhatIf, QueueLoad, QueueLoadQuery } from './load.ts';
import { QueueMetrics, ResourceSample, StateCounts, Summary, WorkerNode } from './metrics.ts';
import { AlertRule, Thresholds } from './thresholds.ts';
import { ALERT_ADMIN_API, DesktopAlertSettings } from './desktop-alerts.ts';

// ---------------------------------------------------------------- clusters

export const ClusterId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'a cluster id: lower-case letters, digits and -');
export type ClusterId = z.infer<typeof ClusterId>;

/** The embedded cluster the desktop starts itself. */
export const LOCAL_CLUSTER_ID = 'local';

export const ClusterUrl = z
  .string()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'an http:// or https:// URL without credentials, e.g. https://jobs.example.com:7420');

export const HexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');

/** What an admin enters to add or edit a cluster. The token is stored in the secret store, never in settings. */
export const ClusterInput = z.strictObject({
  name: z.string().trim().min(1, 'a name').max(60),
  url: ClusterUrl,
  /** Omit on edit to keep the stored token. */
  token: z.string().min(8, 'the token looks too short').max(500).optional(),
  /** PEM CA certificate for clusters with a self-signed TLS certificate. */
  caCertificate: z.string().max(20_000).optional(),
  colour: HexColour.default('#4f7cff'),
});
export type ClusterInput = z.input<typeof ClusterInput>;

/**
 * An edit of a configured cluster: only the fields given change. (Not `ClusterInput.partial()`:
 * that would fill the default colour into every edit.) An empty `caCertificate` removes it.
 */
export const ClusterPatch = z.strictObject({
  name: ClusterInput.shape.name.optional(),
  url: ClusterUrl.optional(),
  token: ClusterInput.shape.token,
  caCertificate: ClusterInput.shape.caCertificate,
  colour: HexColour.optional(),
  /**
   * A new `url` without a new `token` is refused unless this confirms that the stored token may
   * be sent to the new address (whoever runs it receives the token).
   */
  keepToken: z.literal(true).optional(),
});
export type ClusterPatch = z.input<typeof ClusterPatch>;

export const CONNECTION_STATUSES = ['connecting', 'online', 'degraded', 'offline', 'unauthorized', 'disabled'] as const;
export const ConnectionStatus = z.enum(CONNECTION_STATUSES);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

/**
 * What kind of connection problem a cluster has, so the UI can say what to do: fix the URL
 * (`unreachable`), the token (`unauthorized`/`forbidden`), the CA certificate (`tls`), or check
 * that the URL points at a Sigmatiq cluster (`incompatible`: not JSON / schema violation).
 */
export const CONNECTION_PROBLEMS = [
  'unreachable',
  'timeout',
  'tls',
  'unauthorized',
  'forbidden',
  'incompatible',
  'server-error',
  'unhealthy',
] as const;
export const ConnectionProblem = z.enum(CONNECTION_PROBLEMS);
export type ConnectionProblem = z.infer<typeof ConnectionProblem>;

/** A configured cluster with its live connection state. */
export const ClusterView = z.object({
  id: ClusterId,
  name: z.string(),
  url: z.string(),
  colour: HexColour,
  local: z.boolean(),
  enabled: z.boolean(),
  status: ConnectionStatus,
  /** The last connection problem in words ("wrong token: the cluster answered 401"). */
  lastError: z.string().nullable(),
  /** The kind of that problem (null when none). */
  problem: ConnectionProblem.nullable().optional(),
  /** True when a CA certificate is configured for this cluster. */
  hasCaCertificate: z.boolean().optional(),
  /** When the cache last heard from this cluster. */
  lastSyncAt: Instant.nullable(),
  info: ClusterInfo.nullable(),
  /**
   * How this cluster's token is kept on this machine, in words for the UI (the core fills it from
   * `SecretStore.describe()`), e.g. "OS keychain" or "this session only — the OS has no keyring".
   */
  tokenStorage: z.string().optional(),
});
export type ClusterView = z.infer<typeof ClusterView>;

export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  status: ConnectionStatus,
  message: z.string(),
  problem: ConnectionProblem.nullable().optional(),
  info: ClusterInfo.nullable(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

// ---------------------------------------------------------------- cached jobs

/** A job as the desktop knows it: the cluster's record plus which cluster it is on. */
export const CachedJob = Job.extend({ clusterId: ClusterId });
export type CachedJob = z.infer<typeof CachedJob>;

/** Jobs query over the local cache: filter, sort, keyset page. Works offline. */
export const JobQuery = z.strictObject({
  /** Omit for all clusters. */
  clusterIds: z.array(ClusterId).min(1).optional(),
  filter: JobFilter.default({}),
  sort: JobSort.default('-created'),
  cursor: z.string().max(500).optional(),
  limit: z.int().min(1).max(1000).default(100),
});
export type JobQuery = z.input<typeof JobQuery>;

export const CachedJobPage = z.object({
  items: z.array(CachedJob),
  nextCursor: z.string().nullable(),
  /** Jobs matching the filter in all. */
  total: z.int().min(0),
  /** Oldest sync time among the clusters asked, so the UI can say how fresh the data is. */
  syncedAt: Instant.nullable(),
});
export type CachedJobPage = z.infer<typeof CachedJobPage>;

export const CachedJobDetail = JobDetail.extend({
  clusterId: ClusterId,
  /** True when this came from the cache because the cluster is unreachable. */
  fromCache: z.boolean(),
});
export type CachedJobDetail = z.infer<typeof CachedJobDetail>;

export const DashboardSummary = z.object({
  /** Per cluster asked; `summary` is null when neither live nor cached data exists. */
  clusters: z.array(z.object({ clusterId: ClusterId, summary: Summary.nullable(), fromCache: z.boolean() })),
  /** Totals over those clusters (from the cache when a cluster is offline). */
  counts: StateCounts,
  total: z.int().min(0),
  successRate: z.number().min(0).max(1).nullable(),
});
export type DashboardSummary = z.infer<typeof DashboardSummary>;

/** A queue's backlog (jobs ready to run) as this app sampled it. */
export const BacklogSample = z.object({ at: Instant, backlog: z.int().min(0) });
export type BacklogSample = z.infer<typeof BacklogSample>;

/**
 * One queue's load as the Queues screen shows it: the cluster's load model, the what-if for the
 * concurrency asked and the backlog forecast for the next hour, beside the backlog this app
 * sampled over the last hour. Offline, the load comes from the last queue snapshot (`fromCache`)
 * and there is no what-if or forecast; `load` is null when the cluster does not compute one.
 */
export const QueueLoadView = z.object({
  at: Instant,
  load: QueueLoad.nullable(),
  whatIf: LoadWhatIf.nullable(),
  forecast: z.array(BacklogForecastPoint).nullable(),
  history: z.array(BacklogSample),
  fromCache: z.boolean(),
});
export type QueueLoadView = z.infer<typeof QueueLoadView>;

export const TIME_RANGES = ['15m', '1h', '6h', '24h', '7d'] as const;
export const TimeRange = z.enum(TIME_RANGES);
export type TimeRange = z.infer<typeof TimeRange>;

/** One point of the dashboard charts. */
export const ActivityPoint = z.object({
  at: Instant,
  finished: z.int().min(0),
  failed: z.int().min(0),
  queueLength: z.int().min(0),
});
export type ActivityPoint = z.infer<typeof ActivityPoint>;

export const ExportFormat = z.enum(['csv', 'json']);
/** Jobs chosen by hand: an export of these only (in the query's order), not of the whole filter. */
export const ExportSelection = z.array(z.strictObject({ clusterId: ClusterId, id: JobId })).min(1).max(100_000);
export type ExportSelection = z.infer<typeof ExportSelection>;

/** Largest job file the app fetches in one go (it crosses IPC/HTTP as base64). */
export const MAX_JOB_FILE_BYTES = 50 * 1024 * 1024;
/** One of a job's output files, fetched from its cluster for the admin to save. */
export const JobFileDownload = z.object({
  filename: z.string(),
  mimeType: z.string(),
  contentBase64: z.string(),
  bytes: z.int().min(0),
});
export type JobFileDownload = z.infer<typeof JobFileDownload>;

/** Where cluster tokens are kept on this machine, in words for the Add-cluster dialog. */
export const TokenStorage = z.object({ description: z.string() });
export type TokenStorage = z.infer<typeof TokenStorage>;
export const ExportResult = z.object({ filename: z.string(), mimeType: z.string(), content: z.string(), rows: z.int() });
export type ExportResult = z.infer<typeof ExportResult>;

// ---------------------------------------------------------------- settings

export const Settings = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Days of finished jobs kept in the cache. */
  retentionDays: z.int().min(1).max(3650).default(90),
  thresholds: Thresholds.optional(),
  alertRules: z.array(AlertRule).optional(),
  notificationsEnabled: z.boolean().default(true),
  /** The desktop's own alerts (a cluster unreachable, sync falling behind): after how long they fire. */
  desktopAlerts: DesktopAlertSettings.optional(),
  /** Run the embedded local cluster. */
  localClusterEnabled: z.boolean().default(true),
});
export type Settings = z.infer<typeof Settings>;
export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

// ---------------------------------------------------------------- the local job cache

/** Why the cache file cannot be written: each says what the admin has to fix. */
export const STORAGE_PROBLEMS = ['disk-full', 'io-error', 'read-only', 'locked'] as const;
export const StorageProblem = z.enum(STORAGE_PROBLEMS);
export type StorageProblem = z.infer<typeof StorageProblem>;

/** A cache file found damaged at start and moved aside; kept for inspection, then removed. */
export const MovedAsideCache = z.object({
  name: z.string(),
  sizeBytes: z.int().min(0),
  movedAt: Instant,
  removeAfter: Instant,
});
export type MovedAsideCache = z.infer<typeof MovedAsideCache>;

export const CacheHealth = z.object({
  /** The folder holding cache.db. */
  folder: z.string(),
  problem: StorageProblem.nullable(),
  /** What is wrong and what to do, in words; null while the cache is fine. */
  message: z.string().nullable(),
  since: Instant.nullable(),
  /** Syncing waits until the cache can be written again (tried periodically); cached data stays readable. */
  writesPaused: z.boolean(),
  /**
   * Since when a first sync of a big cluster writes as a bulk load: text search and reports do not
   * see the jobs it brings until it ends (the job list, counts and failure patterns do). Absent or null otherwise.
   */
  bulkLoadSince: Instant.nullable().optional(),
  movedAside: z.array(MovedAsideCache),
});
export type CacheHealth = z.infer<typeof CacheHealth>;

// ---------------------------------------------------------------- events to the renderer

export const AdminEvent = z.discriminatedUnion('kind', [
  /** Jobs changed in the cache (batched; at most a few per second). */
  z.object({ kind: z.literal('jobs-changed'), clusterId: ClusterId, jobIds: z.array(JobId) }),
  z.object({ kind: z.literal('cluster-status'), cluster: ClusterView }),
  z.object({ kind: z.literal('clusters-changed') }),
  z.object({ kind: z.literal('queues-changed'), clusterId: ClusterId }),
  z.object({ kind: z.literal('settings-changed'), settings: Settings }),
  /** The cache's file became unwritable or writable again, or moved-aside files changed. */
  z.object({ kind: z.literal('cache-health'), health: CacheHealth }),
  /** The desktop shell asks the UI to show this job (the admin clicked its native notification). */
  z.object({ kind: z.literal('focus-job'), clusterId: ClusterId, jobId: JobId }),
  /** Alerts of a cluster changed in the mirror (fired, resolved, acknowledged, silenced). */
  z.object({ kind: z.literal('alerts-changed'), clusterId: ClusterId }),
  /** The desktop shell asks the UI to show this alert (the admin clicked its native notification). */
  z.object({ kind: z.literal('focus-alert'), clusterId: ClusterId, alertId: z.string().min(1).max(200) }),
]);
export type AdminEvent = z.infer<typeof AdminEvent>;

// ---------------------------------------------------------------- the method spec

function method<A extends z.ZodTuple, R extends z.ZodType>(args: A, result: R) {
  return { args, result };
}

const Ok = z.object({ ok: z.literal(true) });

/** Every AdminApi method: argument tuple and result. The order of this object is the IPC surface. */
export const ADMIN_API = {
  listClusters: method(z.tuple([]), z.array(ClusterView)),
  addCluster: method(z.tuple([ClusterInput]), ClusterView),
  updateCluster: method(z.tuple([ClusterId, ClusterPatch]), ClusterView),
  removeCluster: method(z.tuple([ClusterId]), Ok),
  testConnection: method(z.tuple([ClusterInput]), ConnectionTestResult),
  setLocalClusterEnabled: method(z.tuple([z.boolean()]), ClusterView.nullable()),
  /** Pull every job of the cluster again over the cached ones (fills in what the cache missed). */
  resyncCluster: method(z.tuple([ClusterId]), ClusterView),

  queryJobs: method(z.tuple([JobQuery]), CachedJobPage),
  getJob: method(z.tuple([ClusterId, JobId]), CachedJobDetail),
  getJobLogs: method(
    z.tuple([ClusterId, JobId, z.object({ offset: z.int().min(0), limit: z.int().min(1).max(1000) })]),
    LogPage,
  ),
  getSummary: method(z.tuple([z.array(ClusterId).optional()]), DashboardSummary),
  getActivity: method(z.tuple([z.array(ClusterId).optional(), TimeRange]), z.array(ActivityPoint)),
  getQueues: method(z.tuple([ClusterId]), z.array(QueueMetrics)),
  /** One queue's load, what `concurrency` would do, the forecast and the sampled backlog of the last hour. */
  getQueueLoad: method(z.tuple([ClusterId, JobType, QueueLoadQuery.default({})]), QueueLoadView),
  getWorkers: method(z.tuple([ClusterId]), z.array(WorkerNode)),
  getResources: method(z.tuple([ClusterId, TimeRange]), z.array(ResourceSample)),

  submitJob: method(z.tuple([ClusterId, SubmitJobRequest]), CachedJob),
  jobAction: method(z.tuple([ClusterId, JobId, JobAction, JobActionBody.default({})]), ActionResult),
  bulkAction: method(z.tuple([ClusterId, BulkActionRequest]), BulkActionResponse),
  queueAction: method(z.tuple([ClusterId, JobType, QueueAction, QueueActionBody.default({})]), QueueMetrics),
  exportJobs: method(z.tuple([JobQuery, ExportFormat, ExportSelection.optional()]), ExportResult),
  /** One output file of a job, through the cluster API (`GET /api/v1/jobs/:id/files/:name`). */
  downloadJobFile: method(z.tuple([ClusterId, JobId, JobFileName]), JobFileDownload),
  /** How tokens of added clusters will be kept (keychain, a file only you can read, this session). */
  getTokenStorage: method(z.tuple([]), TokenStorage),

  listSchedules: method(z.tuple([ClusterId]), z.array(Schedule)),
  createSchedule: method(z.tuple([ClusterId, CreateScheduleRequest]), Schedule),
  setSchedulePaused: method(z.tuple([ClusterId, z.string().min(1).max(200), z.boolean()]), Schedule),
  deleteSchedule: method(z.tuple([ClusterId, z.string().min(1).max(200)]), Ok),
  listMaintenanceWindows: method(z.tuple([ClusterId]), z.array(MaintenanceWindow)),
  createMaintenanceWindow: method(z.tuple([ClusterId, CreateMaintenanceWindowRequest]), MaintenanceWindow),
  deleteMaintenanceWindow: method(z.tuple([ClusterId, z.string().min(1).max(200)]), Ok),

  getSettings: method(z.tuple([]), Settings),
  updateSettings: method(z.tuple([SettingsPatch]), Settings),
  /** Whether the local cache can be written, and the damaged cache files moved aside. */
  getCacheHealth: method(z.tuple([]), CacheHealth),

  /** Alerts (contract/desktop-alerts.ts): the mirror, acknowledge and silence, a cluster's rules, channels, deliveries, thresholds. */
  ...ALERT_ADMIN_API,

  /** Failure patterns (contract/failure-api.ts): groups from the cache, a group's page, merge, retry, cancel, export. */
  ...FAILURE_ADMIN_API,
  ...REPORT_ADMIN_API,
  /** Capacity signals per queue over days of the cache (contract/capacity.ts). */
  ...CAPACITY_ADMIN_API,

} as const;

export type AdminApiSpec = typeof ADMIN_API;
export type AdminApiMethod = keyof AdminApiSpec;
export const ADMIN_API_METHODS = Object.keys(ADMIN_API) as AdminApiMethod[];

/** The typed interface the renderer programs against. Arguments are the schemas' inputs (defaults optional). */
export type AdminApi = {
  [K in AdminApiMethod]: (...args: z.input<AdminApiSpec[K]['args']>) => Promise<z.output<AdminApiSpec[K]['result']>>;
} & {
  /** Subscribe to change events; returns the unsubscribe function. */
  onEvent(listener: (event: AdminEvent) => void): () => void;
};

/**
 * Errors crossing the AdminApi carry a code and words for the admin; the renderer shows `message`.
 * `code` tells whether the cluster answered and refused (its own code, e.g. `conflict` with its
 * message), could not be reached (`cluster-<problem>`: `cluster-unreachable`, `cluster-timeout`, …; see
 * CONNECTION_PROBLEMS), or the request was refused by the app itself (`invalid-arguments`, …).
 */
export const AdminErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type AdminErrorBody = z.infer<typeof AdminErrorBody>;
