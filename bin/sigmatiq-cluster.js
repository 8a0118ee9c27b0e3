#!/usr/bin/env node
// `npx sigmatiq-cluster …`: runs the cluster CLI from source (TypeScript through tsx), so it works
// right after `npm ci` without a build.
import { register } from 'tsx/esm/api';
import { exitWithParent } from './exit-with-parent.js';

exitWithParent();
register();
await import('../cluster/cli.ts');
