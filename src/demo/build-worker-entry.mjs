// A worker thread starts without the parent's TypeScript loader: register tsx, then build.
import { register } from 'tsx/esm/api';

register();
await import('./build-worker-main.ts');
