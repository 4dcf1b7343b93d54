// A worker thread starts without the parent's TypeScript loader: register tsx, then import.
import { register } from 'tsx/esm/api';

register();
await import('./import-worker-main.ts');
