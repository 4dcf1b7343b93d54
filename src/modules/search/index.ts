export { searchRoutes } from './search.routes.ts';
export { SearchQuery, SearchResults, search } from './search.ts';
