/**
 * zod compiles object parsers with `new Function` when the page allows it, and probes for that on
 * first use. The page's CSP forbids eval (script-src 'self'), so the probe only fails and files a
 * CSP violation report each time; telling zod up front skips it. Imported first by main.tsx.
 */
import { z } from 'zod';

z.config({ jitless: true });
