/** The engine on the test Redis server (own key prefix). */
import { engineSuite } from './engine-suite.ts';

engineSuite('redis');
