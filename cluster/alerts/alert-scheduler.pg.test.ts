/** Alert evaluation with two API nodes on the test PostgreSQL server. */
import { alertSchedulerSuite } from './alert-scheduler-suite.ts';

alertSchedulerSuite('postgres');
