/**
 * The AdminApi method names, as plain data. The preload cannot import contract/admin-api.ts at
 * runtime: that module builds zod schemas, and a sandboxed preload can require nothing but
 * 'electron' (the bundle would need zod). The compiler checks this list against the contract in
 * both directions, and preload.test.ts compares it with ADMIN_API at runtime, so they cannot drift.
 */
import type { AdminApiMethod } from '../contract/admin-api.ts';

export const PRELOAD_METHODS = [
  'listClusters',
  'addCluster',
  'updateCluster',
  'removeCluster',
  'testConnection',
  'setLocalClusterEnabled',
  'resyncCluster',
  'queryJobs',
  'getJob',
  'getJobLogs',
  'getSummary',
  'getActivity',
  'getQueues',
  'getWorkers',
  'getResources',
  'submitJob',
  'jobAction',
  'bulkAction',
  'queueAction',
  'exportJobs',
  'downloadJobFile',
  'getTokenStorage',
  'listSchedules',
  'createSchedule',
  'setSchedulePaused',
  'deleteSchedule',
  'listMaintenanceWindows',
  'createMaintenanceWindow',
  'deleteMaintenanceWindow',
  'getSettings',
  'updateSettings',
  'getCacheHealth',
  'listFailureGroups',
  'getFailureGroup',
  'queryFailureGroupJobs',
  'getJobFailureGroup',
  'mergeFailureGroups',
  'retryFailureGroup',
  'cancelFailureGroupPending',
  'exportFailureGroup',
  'listAlerts',
  'acknowledgeAlert',
  'silenceAlert',
  'listAlertRules',
  'createAlertRule',
  'updateAlertRule',
  'deleteAlertRule',
  'listAlertChannels',
  'createAlertChannel',
  'deleteAlertChannel',
  'testAlertChannel',
  'listAlertDeliveries',
  'getClusterThresholds',
  'updateClusterThresholds',
] as const satisfies readonly AdminApiMethod[];

/** Compile-time: every AdminApi method is in the list (a new method without a preload entry fails tsc). */
type MissingFromPreload = Exclude<AdminApiMethod, (typeof PRELOAD_METHODS)[number]>;
export const PRELOAD_COVERS_ADMIN_API: [MissingFromPreload] extends [never] ? true : MissingFromPreload = true;
