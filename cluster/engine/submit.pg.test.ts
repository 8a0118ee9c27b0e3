/** Idempotent and batch submits on the test PostgreSQL server. */
import { submitSuite } from './submit-suite.ts';

submitSuite('postgres');
