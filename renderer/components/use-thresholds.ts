/** The thresholds in force: the admin's settings when set, otherwise the defaults in contract/thresholds.ts. */
import { settingsStale } from '../api/refresh-rules.ts';
import { useApiQuery } from '../api/use-api-query.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../contract/thresholds.ts';

/** Thresholds for colouring metrics. */
export function useThresholds(): Thresholds {
  const { data } = useApiQuery('settings', (api) => api.getSettings(), { refreshOn: settingsStale });
  return data?.thresholds ?? DEFAULT_THRESHOLDS;
}
