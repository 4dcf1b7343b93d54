// A heavy-read process starts without the server's TypeScript loader: register tsx, then serve.
import { register } from 'tsx/esm/api';

register();
await import('./heavy-worker-main.ts');
