// The API contract suite on PostgreSQL (see testing/api-contract-suite.ts).
import { createEngine } from '../engine/create-engine.ts';
import { testDatastore } from '../engine/engine-test-support.ts';
import { describeApiContract } from './testing/api-contract-suite.ts';

describeApiContract('PostgreSQL', async () => {
  const ds = await testDatastore('postgres');
  const datastore = await ds.open();
  const engine = await createEngine({ datastore, onError: () => undefined });
  return {
    engine,
    datastore,
    async close() {
      await engine.close();
      await datastore.close();
      await ds.cleanup();
    },
  };
});
