// The API fuzz suite on PostgreSQL (see testing/api-fuzz-suite.ts).
import { describeApiFuzzOn } from './testing/api-fuzz-suite.ts';

describeApiFuzzOn('PostgreSQL', 'postgres');
