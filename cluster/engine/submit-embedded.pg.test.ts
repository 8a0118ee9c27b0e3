/** Idempotent and batch submits on an embedded PostgreSQL. */
import { submitSuite } from './submit-suite.ts';

submitSuite('embedded');
