/** The alert delivery queue on the test PostgreSQL server. */
import { deliverySuite } from './delivery-suite.ts';

deliverySuite('postgres');
