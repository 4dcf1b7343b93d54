// CSV import of survey answers collected elsewhere (a form tool's export, a spreadsheet). Every row
// goes through writeResponse, so timeline entries, audit rows and detractor tasks are the same as
// for one recorded through the API. All valid rows or none, unless skipInvalid.
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import {
  CsvImportOptions,
  type FieldSpec,
  pushErrors,
  type RowError,
  readMappedCsv,
  toPairs,
} from '../../csv/read.ts';
import { zodIssues } from '../../errors.ts';
import { type Message, msg, render } from '../../i18n/index.ts';
import { localNoon } from '../../time.ts';
import { accountIdsByExternalId, accountRefs, contactRefsOf } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { writeResponse } from './responses.ts';
import { loadSurveySettings } from './settings.ts';
import { RecordResponse } from './surveys.schemas.ts';

export const SURVEY_IMPORT_FIELDS: Record<string, FieldSpec> = {
  accountExternalId: { kind: 'text', required: true, help: "the answering account's external id" },
  kind: { kind: 'text', required: true, help: 'nps | csat' },
  score: { kind: 'int', required: true, help: 'NPS 0-10, CSAT 1-5' },
  contactEmail: { kind: 'text', help: "the answering contact's email" },
  comment: { kind: 'text', help: 'what they wrote' },
  answeredOn: { kind: 'date', help: 'the day it was answered (default: today)' },
};

export const SurveyImportOptions = CsvImportOptions;
export type SurveyImportOptions = z.input<typeof SurveyImportOptions>;

export type SurveyImportReport = {
  entity: 'survey_responses';
  dryRun: boolean;
  committed: boolean;
  rows: number;
  valid: number;
  invalid: number;
  created: number;
  errors: RowError[];
};

export async function importSurveyResponsesCsv({
  ctx,
  source,
  options,
}: {
  ctx: Ctx;
  source: Readable | string;
  options: SurveyImportOptions;
}): Promise<SurveyImportReport> {
  await authorize(ctx, 'imports:run');
  const opts = SurveyImportOptions.parse(options);
  const locale = ctx.locale ?? 'en';
  const read = await readMappedCsv({
    source,
    specs: SURVEY_IMPORT_FIELDS,
    what: msg('imports.what.surveyResponses'),
    map: toPairs(opts.map, 'map'),
    defaults: toPairs(opts.defaults, 'defaults'),
    dateFormat: opts.dateFormat,
    locale,
  });
  const errors = read.errors;
  let invalidRows = read.invalid;
  const accounts = await accountIdsByExternalId(
    ctx,
    read.rows.map((r) => String(r.fields.accountExternalId)),
  );
  const contacts = new Map<string, string>();
  for (const c of await contactRefsOf(ctx, [...accounts.values()], { withEmail: true }))
    contacts.set(`${c.accountId}|${c.email!.toLowerCase()}`, c.id);
  const now = ctx.now();
  const today = now.toISOString();
  const planned: { accountId: string; contactId: string | null; data: z.output<typeof RecordResponse> }[] =
    [];
  for (const row of read.rows) {
    const f = row.fields;
    const fail = (field: string | undefined, message: Message) => {
      invalidRows++;
      pushErrors(errors, [{ line: row.line, field, message: render(locale, message) }]);
    };
    const accountId = accounts.get(String(f.accountExternalId));
    if (!accountId) {
      fail('accountExternalId', msg('imports.row.noAccount', { value: String(f.accountExternalId) }));
      continue;
    }
    let answeredAt = today;
    if (f.answeredOn !== undefined) {
      const at = localNoon(String(f.answeredOn), ctx.workspace.timeZone);
      answeredAt = at > today ? today : at;
      if (String(f.answeredOn) > today.slice(0, 10)) {
        fail('answeredOn', msg('imports.row.future'));
        continue;
      }
    }
    const parsed = RecordResponse.safeParse({
      accountId,
      kind: f.kind,
      score: f.score,
      contactEmail: f.contactEmail,
      comment: f.comment,
      answeredAt,
    });
    if (!parsed.success) {
      invalidRows++;
      pushErrors(
        errors,
        zodIssues(parsed.error).map((i) => ({ line: row.line, field: i.path, message: i.message })),
      );
      continue;
    }
    const email = parsed.data.contactEmail?.toLowerCase();
    planned.push({
      accountId,
      contactId: email ? (contacts.get(`${accountId}|${email}`) ?? null) : null,
      data: parsed.data,
    });
  }
  const report: SurveyImportReport = {
    entity: 'survey_responses',
    dryRun: opts.dryRun,
    committed: false,
    rows: read.rows.length + read.invalid,
    valid: planned.length,
    invalid: invalidRows,
    created: 0,
    errors,
  };
  if (opts.dryRun || (invalidRows > 0 && !opts.skipInvalid)) return report;
  const settings = await loadSurveySettings(ctx);
  const refs = await accountRefs(
    ctx,
    planned.map((p) => p.accountId),
  );
  await inTransaction(ctx, async (tx) => {
    for (const p of planned.sort((a, b) => a.data.answeredAt!.localeCompare(b.data.answeredAt!))) {
      await writeResponse(
        tx,
        refs.get(p.accountId)!,
        {
          kind: p.data.kind,
          score: p.data.score,
          comment: p.data.comment?.trim() || null,
          contactEmail: p.data.contactEmail?.toLowerCase() ?? null,
          contactId: p.contactId,
          answeredAt: p.data.answeredAt!,
        },
        { source: 'import' },
        settings,
      );
    }
  });
  return { ...report, committed: true, created: planned.length };
}
