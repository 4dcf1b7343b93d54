import { createRoute, z } from '@hono/zod-openapi';
import { notFound } from '../../errors.ts';
import type { FactUsers } from '../../fact-users.ts';
import { crud } from '../../server/crud.ts';
import {
  CONFLICT,
  createRouter,
  ERRORS,
  IdParam,
  json,
  jsonBody,
  listOf,
  NO_CONTENT,
} from '../../server/env.ts';
import { addNote, CreateNote, ListTimeline, listTimeline, TimelineEntry } from '../timeline/index.ts';
import {
  Account,
  AccountListItem,
  BulkUpdateAccounts,
  CreateAccount,
  ListAccounts,
  parseCustomFieldFilters,
  UpdateAccount,
} from './accounts.schemas.ts';
import {
  bulkUpdateAccounts,
  createAccount,
  deleteAccount,
  findAccountByExternalId,
  getAccount,
  updateAccount,
} from './accounts.ts';
import {
  Contact,
  CreateContact,
  createContact,
  deleteContact,
  getContact,
  ListContacts,
  listContacts,
  UpdateContact,
  updateContact,
} from './contacts.ts';
import {
  Contract,
  CreateContract,
  createContract,
  deleteContract,
  getContract,
  ListContracts,
  listContracts,
  UpdateContract,
  updateContract,
} from './contracts.ts';
import {
  CurrencyRate,
  deleteCurrencyRate,
  listCurrencyRates,
  SetCurrencyRate,
  setCurrencyRate,
} from './currency-rates.ts';
import {
  CreateCustomField,
  CustomFieldDefinition,
  createCustomField,
  deleteCustomField,
  listCustomFields,
  UpdateCustomField,
  updateCustomField,
} from './custom-fields.ts';
import { type AccountStateSource, accountFacets, listAccounts } from './list-accounts.ts';

const AccountFacets = z.object({
  regions: z.array(z.string()),
  industries: z.array(z.string()),
  tags: z.array(z.string()),
  owners: z.array(z.object({ id: z.string(), name: z.string() })),
});

const AccountList = listOf(AccountListItem).extend({ total: z.number().optional() });

/** `state` answers the list's state filters and free conditions (see AccountStateSource). */
/** `factUsers`: who reads a custom field's fact (composed in app.ts). */
export function accountsRoutes({ state, factUsers }: { state: AccountStateSource; factUsers?: FactUsers }) {
  const app = createRouter();
  const tags = ['Accounts'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts',
      tags,
      summary: 'List accounts with their current state: filters, search, sort and cursor pagination',
      description:
        "Each account carries `state` (health, tier, stage, segments as of the last recompute). Filters combine with and: own fields, current state (`health`, `tier`, `stage`, `segment`), `renewalWithinDays`, and `where`, a condition over today's facts (a bad one is a 400 naming the problem). Custom fields filter as `cf.<key>=value`, `cf.<key>.gte=`, `cf.<key>.lte=`. `?externalId=` finds one account by the id CRM and product events use. Needs only read permission.",
      request: { query: ListAccounts },
      responses: { 200: json(AccountList, 'A page of accounts'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await listAccounts({
          ctx: c.get('ctx'),
          input: c.req.valid('query'),
          state,
          customFieldFilters: parseCustomFieldFilters(c.req.query()),
        }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/accounts',
      tags,
      summary: 'Create an account (managers and admins)',
      request: { body: jsonBody(CreateAccount) },
      responses: { 201: json(Account, 'Created'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => c.json(await createAccount({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/accounts/bulk-update',
      tags,
      summary: 'Set the owner or add/remove tags on up to 1,000 accounts at once (managers and admins)',
      request: { body: jsonBody(BulkUpdateAccounts) },
      responses: { 200: json(z.object({ updated: z.number() }), 'Updated'), ...ERRORS },
    }),
    async (c) => c.json(await bulkUpdateAccounts({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/facets',
      tags,
      summary: "The regions, industries, tags and owners of the accounts you may read (the list's pickers)",
      responses: { 200: json(AccountFacets, 'Distinct values, sorted'), ...ERRORS },
    }),
    async (c) => c.json(await accountFacets(c.get('ctx')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/by-external-id/{externalId}',
      tags,
      summary: 'One account by its external id',
      request: { params: z.object({ externalId: z.string().min(1) }) },
      responses: { 200: json(Account, 'The account'), ...ERRORS },
    }),
    async (c) => {
      const { externalId } = c.req.valid('param');
      const account = await findAccountByExternalId({ ctx: c.get('ctx'), externalId });
      if (!account) throw notFound('Account with external id', externalId);
      return c.json(account, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}',
      tags,
      summary: 'One account with its team, current ARR/MRR and renewal date',
      request: { params: IdParam },
      responses: { 200: json(Account, 'The account'), ...ERRORS },
    }),
    async (c) => c.json(await getAccount({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/accounts/{id}',
      tags,
      summary:
        'Change an account (CSMs on its team, managers, admins); customFields merge, null removes a key',
      request: { params: IdParam, body: jsonBody(UpdateAccount) },
      responses: { 200: json(Account, 'Updated'), ...ERRORS, ...CONFLICT },
    }),
    async (c) =>
      c.json(
        await updateAccount({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/accounts/{id}',
      tags,
      summary: 'Delete an account with its contacts, contracts and timeline (managers and admins)',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS, ...CONFLICT },
    }),
    async (c) => {
      await deleteAccount({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/timeline',
      tags: ['Timeline'],
      summary: "An account's timeline, newest first: changes, notes, calls, meetings, emails",
      request: { params: IdParam, query: ListTimeline },
      responses: { 200: json(listOf(TimelineEntry), 'A page of entries'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await listTimeline({
          ctx: c.get('ctx'),
          accountId: c.req.valid('param').id,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/accounts/{id}/timeline',
      tags: ['Timeline'],
      summary: 'Add a note, call, meeting or email to the timeline (CSMs, managers, admins)',
      request: { params: IdParam, body: jsonBody(CreateNote) },
      responses: { 201: json(TimelineEntry, 'Added'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await addNote({ ctx: c.get('ctx'), accountId: c.req.valid('param').id, input: c.req.valid('json') }),
        201,
      ),
  );

  crud(app, {
    path: '/contacts',
    tag: 'Contacts',
    plural: 'contacts',
    schema: Contact,
    listQuery: ListContacts,
    create: CreateContact,
    update: UpdateContact,
    verbs: {
      list: listContacts,
      create: createContact,
      get: getContact,
      update: updateContact,
      remove: deleteContact,
    },
    what: 'contact',
  });
  crud(app, {
    path: '/contracts',
    tag: 'Contracts',
    plural: 'contracts',
    schema: Contract,
    listQuery: ListContracts,
    create: CreateContract,
    update: UpdateContract,
    verbs: {
      list: listContracts,
      create: createContract,
      get: getContract,
      update: updateContract,
      remove: deleteContract,
    },
    what: 'contract (managers and admins change contracts)',
  });

  const settings = ['Settings'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/custom-fields',
      tags: settings,
      summary: 'Custom field definitions for accounts',
      responses: { 200: json(listOf(CustomFieldDefinition), 'Definitions'), ...ERRORS },
    }),
    async (c) => c.json(await listCustomFields({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/custom-fields',
      tags: settings,
      summary: 'Define a custom field: text, number, date, boolean, single or multi select',
      request: { body: jsonBody(CreateCustomField) },
      responses: { 201: json(CustomFieldDefinition, 'Created'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => c.json(await createCustomField({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/custom-fields/{id}',
      tags: settings,
      summary: "Change a custom field's label, options or required flag",
      request: { params: IdParam, body: jsonBody(UpdateCustomField) },
      responses: { 200: json(CustomFieldDefinition, 'Updated'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updateCustomField({
          ctx: c.get('ctx'),
          id: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/custom-fields/{id}',
      tags: settings,
      summary: 'Delete a custom field definition',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteCustomField({ ctx: c.get('ctx'), id: c.req.valid('param').id, factUsers });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/currency-rates',
      tags: settings,
      summary: 'Exchange rates to the base currency, each effective from a date',
      responses: { 200: json(listOf(CurrencyRate), 'Rates'), ...ERRORS },
    }),
    async (c) => c.json(await listCurrencyRates({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/currency-rates',
      tags: settings,
      summary: 'Add or replace a rate (same currency and date); contracts in that currency are repriced',
      request: { body: jsonBody(SetCurrencyRate) },
      responses: { 200: json(CurrencyRate.extend({ repricedContracts: z.number() }), 'Saved'), ...ERRORS },
    }),
    async (c) => c.json(await setCurrencyRate({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/currency-rates/{id}',
      tags: settings,
      summary: 'Delete a rate; refused (409) if contracts would be left without one',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS, ...CONFLICT },
    }),
    async (c) => {
      await deleteCurrencyRate({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );

  return app;
}
