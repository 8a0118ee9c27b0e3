// The API contract suite on Redis (see testing/api-contract-suite.ts).
import { describeApiContractOn } from './testing/api-contract-suite.ts';

describeApiContractOn('Redis', 'redis');
