// The API fuzz suite on Redis (see testing/api-fuzz-suite.ts).
import { describeApiFuzzOn } from './testing/api-fuzz-suite.ts';

describeApiFuzzOn('Redis', 'redis');
