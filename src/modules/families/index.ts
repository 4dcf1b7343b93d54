export { familiesRoutes } from './families.routes.ts';
export { AccountFamily, getAccountFamily } from './families.ts';
