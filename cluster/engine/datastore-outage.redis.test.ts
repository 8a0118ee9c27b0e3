import { openDatastore } from '../datastore/open-datastore.ts';
import { restartableRedis } from '../datastore/testing/restartable-redis.ts';
import { datastoreOutageSuite } from './datastore-outage-suite.ts';

datastoreOutageSuite({
  kind: 'redis',
  name: (url) => `Redis at ${url}`,
  server: restartableRedis,
  open: (url) => openDatastore(url, { prefix: 'outage' }),
});
