// A worker thread starts without the parent's TypeScript loader: register tsx, then serve.
import { register } from 'tsx/esm/api';

register();
await import('./heavy-worker-main.ts');
