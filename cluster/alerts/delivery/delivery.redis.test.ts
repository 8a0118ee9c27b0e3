/** The alert delivery queue on the test Redis server. */
import { deliverySuite } from './delivery-suite.ts';

deliverySuite('redis');
