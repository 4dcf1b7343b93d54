import { createRoute, z } from '@hono/zod-openapi';
import { CSV_BODY, csvBody, ImportQuery, RowErrorSchema, throwIfRejected } from '../../csv/http.ts';
import { createRouter, ERRORS, IdParam, json, jsonBody, listOf, NO_CONTENT } from '../../server/env.ts';
import {
  getRequestGroup,
  mergeRequests,
  rankedRequests,
  splitRequestGroup,
  updateRequestGroup,
} from './groups.ts';
import { importRequestsCsv } from './import.ts';
import {
  CreateRequest,
  CustomerRequest,
  ListRequests,
  MergeRequests,
  RankedItem,
  RankedQuery,
  RequestGroup,
  RequestSettingsOut,
  SimilarQuery,
  SimilarResult,
  SplitGroup,
  SplitResult,
  UpdateGroup,
  UpdateRequest,
  UpdateRequestSettings,
} from './requests.schemas.ts';
import {
  createRequest,
  deleteRequest,
  getRequest,
  listRequests,
  similarRequests,
  updateRequest,
} from './requests.ts';
import { getRequestSettings, updateRequestSettings } from './settings.ts';

/** Customer requests and feedback, groups of similar requests, the ranked list and its settings. */
export function requestsRoutes() {
  const app = createRouter();
  const tags = ['Requests'];

  // The fixed paths come before /requests/{id}, which would otherwise read them as ids.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/requests/ranked',
      tags,
      summary:
        'Groups and ungrouped requests by priority, with the accounts asking, total ARR and the reasons',
      description:
        'Seed 000: big accounts by strategic value, small accounts by how many ask for the same thing, accounts near renewal first. Open requests unless `status` says otherwise; a group’s priority is its best request’s.',
      request: { query: RankedQuery },
      responses: { 200: json(listOf(RankedItem), 'A page of the ranking'), ...ERRORS },
    }),
    async (c) => c.json(await rankedRequests({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/requests/similar',
      tags,
      summary: 'Requests like a draft text, so the UI can say “looks like #123” before it is logged ',
      request: { query: SimilarQuery },
      responses: { 200: json(SimilarResult, 'The most similar requests'), ...ERRORS },
    }),
    async (c) => c.json(await similarRequests({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/requests/settings',
      tags,
      summary:
        'Prioritisation weights, the high-value ARR band, flagship tags, renewal window and grouping threshold',
      responses: { 200: json(RequestSettingsOut, 'The settings'), ...ERRORS },
    }),
    async (c) => c.json(await getRequestSettings({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/requests/settings',
      tags,
      summary: 'Change prioritisation settings (managers and admins); omitted values keep theirs',
      request: { body: jsonBody(UpdateRequestSettings) },
      responses: { 200: json(RequestSettingsOut, 'The settings now'), ...ERRORS },
    }),
    async (c) => c.json(await updateRequestSettings({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/requests/groups/merge',
      tags,
      summary: 'Merge requests and groups into one group (CSMs, managers, admins)',
      description: 'Into the first named group, or a new one. Emptied groups are deleted.',
      request: { body: jsonBody(MergeRequests) },
      responses: { 200: json(RequestGroup, 'The merged group'), ...ERRORS },
    }),
    async (c) => c.json(await mergeRequests({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/requests/groups/{id}',
      tags,
      summary: 'A group of similar requests with its accounts, total ARR and priority',
      request: { params: IdParam },
      responses: { 200: json(RequestGroup, 'The group'), ...ERRORS },
    }),
    async (c) => c.json(await getRequestGroup({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/requests/groups/{id}',
      tags,
      summary: 'Rename a group, or move all its open requests to a status (e.g. planned, shipped)',
      request: { params: IdParam, body: jsonBody(UpdateGroup) },
      responses: { 200: json(RequestGroup, 'The group'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updateRequestGroup({
          ctx: c.get('ctx'),
          id: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/requests/groups/{id}/split',
      tags,
      summary: 'Take requests out of a group: ungrouped, or into a new group of their own',
      description: 'A group left with one request is dissolved.',
      request: { params: IdParam, body: jsonBody(SplitGroup) },
      responses: { 200: json(SplitResult, 'Where the requests went'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await splitRequestGroup({
          ctx: c.get('ctx'),
          id: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/requests/import',
      tags: ['Requests', 'Import'],
      summary: 'Import customer requests from CSV (managers and admins)',
      description:
        'Columns (or map=column=field): accountExternalId, title (required), description, type, status, productArea, contactEmail, showcase, loggedOn. Each row is logged as by hand (grouping, timeline) on its loggedOn day; a row whose account already has a request with the same title is skipped, so re-importing a file adds nothing. All rows or none unless skipInvalid=true; dryRun=true reports without writing. Bodies up to 1 MB.',
      request: { query: ImportQuery, body: CSV_BODY },
      responses: {
        200: json(
          z.object({
            entity: z.literal('requests'),
            dryRun: z.boolean(),
            committed: z.boolean(),
            rows: z.number(),
            valid: z.number(),
            invalid: z.number(),
            created: z.number(),
            skipped: z.number(),
            errors: z.array(RowErrorSchema),
          }),
          'The import report',
        ),
        ...ERRORS,
      },
    }),
    async (c) =>
      c.json(
        throwIfRejected(
          await importRequestsCsv({ ctx: c.get('ctx'), source: csvBody(c), options: c.req.valid('query') }),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/requests',
      tags,
      summary: 'List customer requests, filtered, newest first or by priority',
      request: { query: ListRequests },
      responses: { 200: json(listOf(CustomerRequest), 'A page'), ...ERRORS },
    }),
    async (c) => c.json(await listRequests({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/requests',
      tags,
      summary: 'Log a customer request, bug, question or complaint (CSMs on any account, managers, admins)',
      description:
        'Joins the group of the most similar request at or above the grouping threshold unless `groupId` is given (null: ungrouped). Writes a timeline entry on the account.',
      request: { body: jsonBody(CreateRequest) },
      responses: { 201: json(CustomerRequest, 'Logged, with its priority'), ...ERRORS },
    }),
    async (c) => c.json(await createRequest({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/requests/{id}',
      tags,
      summary: 'One request with its priority and the reasons',
      request: { params: IdParam },
      responses: { 200: json(CustomerRequest, 'Found'), ...ERRORS },
    }),
    async (c) => c.json(await getRequest({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/requests/{id}',
      tags,
      summary: 'Change a request; a status change is written on the account’s timeline',
      request: { params: IdParam, body: jsonBody(UpdateRequest) },
      responses: { 200: json(CustomerRequest, 'Updated'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updateRequest({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/requests/{id}',
      tags,
      summary: 'Delete a request logged by mistake (managers and admins; decline it otherwise)',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteRequest({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );
  return app;
}
