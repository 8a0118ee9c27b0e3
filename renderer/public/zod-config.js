// zod compiles object parsers with `new Function` when the page allows it, and probes for that as
// each object schema is created. The page's CSP forbids eval (script-src 'self'), so the probe only
// fails and files a CSP violation report. zod reads its settings from this global when it loads,
// so setting it here, in a plain script that runs before any module, covers every chunk: the
// schemas are created as the shared chunks load, before the entry's own code could tell zod.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
