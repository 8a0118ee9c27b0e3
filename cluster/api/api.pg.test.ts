// The API contract suite on PostgreSQL (see testing/api-contract-suite.ts).
import { describeApiContractOn } from './testing/api-contract-suite.ts';

describeApiContractOn('PostgreSQL', 'postgres');
