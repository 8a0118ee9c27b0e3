/** The AlertStore contract on the test Redis (a key prefix of its own). */
import { alertStoreSuite } from './alert-store-suite.ts';

alertStoreSuite('redis');
