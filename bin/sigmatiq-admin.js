#!/usr/bin/env node
// `npx sigmatiq-admin serve …`: the browser-mode host, from source through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../main/web/serve.ts');
