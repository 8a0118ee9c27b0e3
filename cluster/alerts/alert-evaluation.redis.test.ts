/** Evaluations through the stored state on the test Redis. */
import { alertEvaluationSuite } from './alert-evaluation-suite.ts';

alertEvaluationSuite('redis');
