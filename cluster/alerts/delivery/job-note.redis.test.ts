/** Notes for a job's owner over the API on the test Redis server. */
import { jobNoteSuite } from './job-note-suite.ts';

jobNoteSuite('redis');
