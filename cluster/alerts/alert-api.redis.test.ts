/** Alerting end to end through the cluster API on the test Redis. */
import { alertApiSuite } from './alert-api-suite.ts';

alertApiSuite('redis');
