// The web app's names for the API's shapes, all derived from schema.gen.ts (generated from the
// server's OpenAPI document by `npm run gen:api`): nothing here restates a field, so a nullable the
// server sends is nullable here and the compiler finds every read that forgets it.
import type { components, paths } from './schema.gen.ts';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<R> = R extends { content: { 'application/json': infer J } } ? J : never;

/** The JSON a successful `method path` answers (200, else 201; void for 204). */
export type ResponseOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends {
    responses: infer R;
  }
    ? R extends { 200: infer Ok }
      ? Json<Ok>
      : R extends { 201: infer Created }
        ? Json<Created>
        : undefined
    : never;
/** The JSON body `method path` takes. */
export type BodyOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends {
    requestBody?: infer B;
  }
    ? Json<NonNullable<B>>
    : never;
/** The query parameters `method path` takes. */
export type QueryOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends {
    parameters: { query?: infer Q };
  }
    ? NonNullable<Q>
    : never;
/** An item of a list response. */
export type ItemOf<P extends keyof paths> = ResponseOf<P, 'get'> extends { items: (infer I)[] } ? I : never;

export type Schemas = components['schemas'];
export type Role = Schemas['Role'];
export type Locale = Schemas['Locale'];
export type Grant = Schemas['Grant'];
export type Permissions = Schemas['Permissions'];
export type Permission = keyof Permissions;
export type TeamRole = Schemas['TeamRole'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

export type Me = ResponseOf<'/auth/me', 'get'>;
export type User = ResponseOf<'/users/{id}', 'get'>;
export type Account = ResponseOf<'/accounts/{id}', 'get'>;
/** A row of GET /accounts: the account and its current state (null before its first recompute). */
export type AccountListItem = ItemOf<'/accounts'>;
export type AccountListQuery = QueryOf<'/accounts', 'get'>;
export type AccountStateColumns = NonNullable<AccountListItem['state']>;
export type UpdateAccountInput = BodyOf<'/accounts/{id}', 'patch'>;

export type AccountHealth = ResponseOf<'/accounts/{id}/health', 'get'>;
export type Band = ResponseOf<'/account-states/summary', 'get'>['bands'][number];
/** A band's label in both languages. */
export type Label = Band['label'];
export type HealthComponent = AccountHealth['components'][number];
export type MovedBy = NonNullable<AccountHealth['change']>['movedBy'][number];
export type HealthHistory = ResponseOf<'/accounts/{id}/health/history', 'get'>;
export type Calibration = ResponseOf<'/health/calibration', 'get'>;
export type HealthModel = ItemOf<'/health-models'>;
export type HealthPreview = ResponseOf<'/health-models/preview', 'post'>;
export type FitWeights = ResponseOf<'/health/fit-weights', 'get'>;

export type AccountMetrics = ResponseOf<'/accounts/{id}/metrics', 'get'>;
export type MetricRef = AccountMetrics['metrics'][number]['metric'];
export type Series = ResponseOf<'/accounts/{id}/metrics/{metric}/series', 'get'>;
export type ActiveUsers = ResponseOf<'/accounts/{id}/users', 'get'>;
export type MetricDef = ItemOf<'/metrics'>;

export type TimelineEntry = ItemOf<'/accounts/{id}/timeline'>;
export type Contact = ItemOf<'/contacts'>;
export type Contract = ItemOf<'/contracts'>;
export type CustomField = ItemOf<'/custom-fields'>;
export type Fact = ItemOf<'/facts/catalogue'>;
export type Facts = ResponseOf<'/accounts/{id}/facts', 'get'>['facts'];

export type Stage = ItemOf<'/lifecycle-stages'>;
export type TieringScheme = ItemOf<'/tiering-schemes'>;
export type TierRule = TieringScheme['rules'][number];
export type Segment = ItemOf<'/segments'>;
export type SegmentPreview = ResponseOf<'/segments/preview', 'post'>;
export type TieringPreview = ResponseOf<'/tiering-schemes/preview', 'post'>;
export type StateChange = ItemOf<'/accounts/{id}/stage-history'>;
export type AccountState = ItemOf<'/account-states'>;
export type AccountStatesSummary = ResponseOf<'/account-states/summary', 'get'>;

export type ApiToken = ItemOf<'/tokens'>;
export type WriteKey = ItemOf<'/write-keys'>;
