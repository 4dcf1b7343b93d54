// A worker thread starts without the parent's TypeScript loader: register tsx, then run the job.
import { register } from 'tsx/esm/api';

register();
await import('./keep-worker-main.ts');
