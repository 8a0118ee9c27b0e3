// The API contract suite on embedded PostgreSQL (see testing/api-contract-suite.ts).
import { describeApiContractOn } from './testing/api-contract-suite.ts';

describeApiContractOn('embedded PostgreSQL', 'embedded');
