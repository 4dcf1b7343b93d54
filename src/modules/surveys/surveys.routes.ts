import { createRoute, z } from '@hono/zod-openapi';
import { CSV_BODY, csvBody, ImportQuery, RowErrorSchema, throwIfRejected } from '../../csv/http.ts';
import { createRouter, ERRORS, IdParam, json, jsonBody, listOf } from '../../server/env.ts';
import { importSurveyResponsesCsv } from './import.ts';
import { getResponse, listResponses, recordResponse } from './responses.ts';
import { surveyResults } from './results.ts';
import { sendSurveys } from './sends.ts';
import { getSurveySettings, updateSurveySettings } from './settings.ts';
import {
  ListResponses,
  RecordResponse,
  ResultsQuery,
  SendResult,
  SendSurvey,
  SurveyResponse,
  SurveyResults,
  SurveySettings,
  UpdateSurveySettings,
} from './surveys.schemas.ts';

/** NPS/CSAT: answers recorded or imported, surveys sent by email, results with trend, settings. */
export function surveysRoutes() {
  const app = createRouter();
  const tags = ['Surveys'];

  app.openapi(
    createRoute({
      method: 'post',
      path: '/surveys/responses',
      tags,
      summary: 'Record an NPS (0-10) or CSAT (1-5) answer collected elsewhere',
      description:
        'Name the account by `accountId` or `accountExternalId`. The answer goes on the account’s timeline; an NPS detractor (0-6) creates a follow-up task for the account’s CSM (the owner) unless the survey settings turn that off. `answeredAt` defaults to now and may not be in the future.',
      request: { body: jsonBody(RecordResponse) },
      responses: { 201: json(SurveyResponse, 'The answer as stored'), ...ERRORS },
    }),
    async (c) => c.json(await recordResponse({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/surveys/responses',
      tags,
      summary: 'Answers, newest first (of the accounts the caller may read)',
      request: { query: ListResponses },
      responses: { 200: json(listOf(SurveyResponse), 'A page of answers'), ...ERRORS },
    }),
    async (c) => c.json(await listResponses({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/surveys/responses/import',
      tags: ['Surveys', 'Import'],
      summary: 'Import NPS/CSAT answers from CSV (managers and admins)',
      description:
        'Columns (or map=column=field): accountExternalId, kind (nps | csat), score (required), contactEmail, comment, answeredOn. Each row is recorded as through the API (timeline, detractor task). All rows or none unless skipInvalid=true; dryRun=true reports without writing. Bodies up to 1 MB.',
      request: { query: ImportQuery, body: CSV_BODY },
      responses: {
        200: json(
          z.object({
            entity: z.literal('survey_responses'),
            dryRun: z.boolean(),
            committed: z.boolean(),
            rows: z.number(),
            valid: z.number(),
            invalid: z.number(),
            created: z.number(),
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
          await importSurveyResponsesCsv({
            ctx: c.get('ctx'),
            source: csvBody(c),
            options: c.req.valid('query'),
          }),
        ),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/surveys/responses/{id}',
      tags,
      summary: 'One answer',
      request: { params: IdParam },
      responses: { 200: json(SurveyResponse, 'The answer'), ...ERRORS },
    }),
    async (c) => c.json(await getResponse({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/surveys/send',
      tags,
      summary: 'Email an NPS or CSAT survey to contacts of an account',
      description:
        'Each contact gets a single-use link to the survey page (/s/<token>, no sign-in, in `locale` or the caller’s language), valid for the settings’ linkValidDays. Contacts asked or answering within throttleDays are skipped with the time they may be asked again; contacts without an email are skipped. Without STEWARD_SMTP_URL the sends are recorded with delivered=false.',
      request: { body: jsonBody(SendSurvey) },
      responses: { 200: json(SendResult, 'What was sent and skipped'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await sendSurveys({
          ctx: c.get('ctx'),
          input: c.req.valid('json'),
          origin: new URL(c.req.url).origin,
        }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/surveys/results',
      tags,
      summary: 'NPS or CSAT for a period, per account, tier or CSM, with the trend per month or quarter',
      description:
        'NPS = % promoters (9-10) - % detractors (0-6); CSAT = % of answers 4-5. `previous` is the same-length period just before `from`; each group’s `change` compares the two. Default period: the 365 days up to today.',
      request: { query: ResultsQuery },
      responses: { 200: json(SurveyResults, 'The results'), ...ERRORS },
    }),
    async (c) => c.json(await surveyResults({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/surveys/settings',
      tags,
      summary: 'Survey settings: throttle days, link lifetime, detractor tasks',
      responses: { 200: json(SurveySettings, 'The settings'), ...ERRORS },
    }),
    async (c) => c.json(await getSurveySettings({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/surveys/settings',
      tags,
      summary: 'Change survey settings (managers and admins)',
      request: { body: jsonBody(UpdateSurveySettings) },
      responses: { 200: json(SurveySettings, 'The settings now'), ...ERRORS },
    }),
    async (c) => c.json(await updateSurveySettings({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  return app;
}
