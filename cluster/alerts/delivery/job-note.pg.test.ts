/** Notes for a job's owner over the API on the test PostgreSQL server. */
import { jobNoteSuite } from './job-note-suite.ts';

jobNoteSuite('postgres');
