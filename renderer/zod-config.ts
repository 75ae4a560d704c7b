import { z } from 'zod';

// zod compiles object parsers with `new Function` when it can, and probes for that by trying once:
// under the renderer's CSP (no 'unsafe-eval') the probe fails quietly but still files a CSP violation
// report on every page load. Jitless parsing never probes. Imported first by main.tsx, before any parse.
z.config({ jitless: true });
