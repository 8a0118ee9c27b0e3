import { openDatastore } from '../datastore/open-datastore.ts';
import { restartablePostgres } from '../datastore/testing/restartable-postgres.ts';
import { datastoreOutageSuite } from './datastore-outage-suite.ts';

datastoreOutageSuite({
  kind: 'postgres',
  name: (url) => `PostgreSQL at ${url}`,
  server: restartablePostgres,
  open: (url) => openDatastore(url),
});
