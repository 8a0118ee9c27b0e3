/** The AlertStore contract on the test PostgreSQL server (a fresh database for this file). */
import { alertStoreSuite } from './alert-store-suite.ts';

alertStoreSuite('postgres');
