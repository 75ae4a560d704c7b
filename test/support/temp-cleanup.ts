import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.ts';

// A setup file (vitest.config.ts): its afterAll is registered first, so it runs after the test
// file's own afterAll hooks, once the services and emulators using those folders are closed.
afterAll(removeTempDirs);
