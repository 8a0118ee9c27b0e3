/** Evaluations through the stored state on the test PostgreSQL server. */
import { alertEvaluationSuite } from './alert-evaluation-suite.ts';

alertEvaluationSuite('postgres');
