/** The engine on the test PostgreSQL server (a fresh database for this file). */
import { engineSuite } from './engine-suite.ts';

engineSuite('postgres');
