/** The engine on an embedded PostgreSQL (one server for this file, in a temp folder). */
import { engineSuite } from './engine-suite.ts';

engineSuite('embedded');
