/** Idempotent and batch submits on the test Redis server. */
import { submitSuite } from './submit-suite.ts';

submitSuite('redis');
