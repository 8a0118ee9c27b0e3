import { runtimeSuite } from './testing/runtime-suite.ts';

runtimeSuite('embedded');
