/** Alerting end to end through the cluster API on the test PostgreSQL server. */
import { alertApiSuite } from './alert-api-suite.ts';

alertApiSuite('postgres');
