/** Alert evaluation with two API nodes on the test Redis. */
import { alertSchedulerSuite } from './alert-scheduler-suite.ts';

alertSchedulerSuite('redis');
