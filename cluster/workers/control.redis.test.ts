import { controlSuite } from './testing/control-suite.ts';

controlSuite('redis');
