// Module resolution hooks for bundles.test.ts: 'electron' and 'electron-store' resolve to stand-ins.
const FAKES = {
  electron: new URL('./fake-electron.mjs', import.meta.url).href,
  'electron-store': new URL('./fake-electron-store.mjs', import.meta.url).href,
};

export async function resolve(specifier, context, next) {
  if (specifier in FAKES) return { url: FAKES[specifier], shortCircuit: true };
  return next(specifier, context);
}
