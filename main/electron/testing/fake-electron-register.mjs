// `node --import ./fake-electron-register.mjs out/node/electron-main.js`: see fake-electron.mjs.
import { register } from 'node:module';

register('./fake-electron-hooks.mjs', import.meta.url);
