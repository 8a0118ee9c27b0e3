#!/usr/bin/env node
// `npx sigmatiq-admin serve …`: the browser-mode host, from source through tsx. It runs the program
// explicitly: npx starts this file through symlinks, so no "am I the main module" path test holds.
import { register } from 'tsx/esm/api';
import { exitWithParent } from './exit-with-parent.js';

exitWithParent();
register();
const { runAsProgram } = await import('../main/web/serve.ts');
await runAsProgram();
