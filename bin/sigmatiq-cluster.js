#!/usr/bin/env node
// `npx sigmatiq-cluster …`: runs the cluster CLI from source (TypeScript through tsx), so it works
// right after `npm ci` without a build.
import { register } from 'tsx/esm/api';

register();
await import('../cluster/cli.ts');
