import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { duplicateKey, invalidField, notFound } from '../../errors.ts';
import { type FactUsers, factReads, refuseWhileRead } from '../../fact-users.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { isValidDay, nowIso } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import type { CustomFieldDefinitionsTable } from './accounts.table.ts';

export const CUSTOM_FIELD_TYPES = [
  'text',
  'number',
  'date',
  'boolean',
  'single_select',
  'multi_select',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export type CustomFieldValue = string | number | boolean | string[];
export type CustomFieldValues = Record<string, CustomFieldValue>;

export const CustomFieldDefinition = z.object({
  id: z.string(),
  entity: z.literal('account'),
  key: z.string(),
  label: z.string(),
  type: z.enum(CUSTOM_FIELD_TYPES),
  options: z.array(z.string()),
  required: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CustomFieldDefinition = z.infer<typeof CustomFieldDefinition>;

const rowToDefinition = (r: CustomFieldDefinitionsTable): CustomFieldDefinition => ({
  id: r.id,
  entity: 'account',
  key: r.key,
  label: r.label,
  type: r.type as CustomFieldType,
  options: JSON.parse(r.options) as string[],
  required: r.required === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const isSelect = (t: CustomFieldType) => t === 'single_select' || t === 'multi_select';

export const CreateCustomField = z
  .object({
    key: z
      .string()
      .regex(
        /^[a-z][a-z0-9_]{0,62}$/,
        'must be lower_snake_case, starting with a letter (it is used in filters)',
      ),
    label: z.string().trim().min(1).max(200),
    type: z.enum(CUSTOM_FIELD_TYPES),
    options: z.array(z.string().trim().min(1).max(200)).max(500).default([]),
    required: z.boolean().default(false),
  })
  .refine((d) => !isSelect(d.type) || d.options.length > 0, {
    path: ['options'],
    message: 'a select field needs at least one option',
  })
  .refine((d) => new Set(d.options).size === d.options.length, {
    path: ['options'],
    message: 'options repeat',
  });
export type CreateCustomField = z.input<typeof CreateCustomField>;

export const UpdateCustomField = z
  .object({
    label: z.string().trim().min(1).max(200),
    options: z.array(z.string().trim().min(1).max(200)).max(500),
    required: z.boolean(),
  })
  .partial();
export type UpdateCustomField = z.infer<typeof UpdateCustomField>;

export async function listCustomFields({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  return { items: (await loadDefinitions(ctx)).map(rowToDefinition), nextCursor: null };
}

export async function loadDefinitions(ctx: Ctx): Promise<CustomFieldDefinitionsTable[]> {
  return ctx.db
    .selectFrom('custom_field_definitions')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('entity', '=', 'account')
    .orderBy('key')
    .execute();
}

export async function createCustomField({ ctx, input }: { ctx: Ctx; input: CreateCustomField }) {
  await authorize(ctx, 'settings:write');
  const data = CreateCustomField.parse(input);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const row: CustomFieldDefinitionsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      entity: 'account',
      key: data.key,
      label: data.label,
      type: data.type,
      options: JSON.stringify(data.options),
      required: data.required ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('custom_field_definitions').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateKey('Custom field', data.key);
      throw error;
    }
    const def = rowToDefinition(row);
    await writeAudit(tx, {
      action: 'custom_field.created',
      entityType: 'custom_field',
      entityId: def.id,
      after: def,
    });
    return def;
  });
}

export async function updateCustomField({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateCustomField;
}) {
  await authorize(ctx, 'settings:write');
  const data = UpdateCustomField.parse(input);
  return inTransaction(ctx, async (tx) => {
    const before = await getDefinitionRow(tx, id);
    if (data.options && !isSelect(before.type as CustomFieldType)) {
      throw invalidField('options', msg('customFields.error.notSelect'));
    }
    const after = await tx.db
      .updateTable('custom_field_definitions')
      .set({
        label: data.label,
        options: data.options ? JSON.stringify(data.options) : undefined,
        required: data.required === undefined ? undefined : data.required ? 1 : 0,
        updated_at: nowIso(tx),
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const def = rowToDefinition(after);
    await writeAudit(tx, {
      action: 'custom_field.updated',
      entityType: 'custom_field',
      entityId: id,
      before: rowToDefinition(before),
      after: def,
    });
    return def;
  });
}

/** Deleting a definition leaves stored values in place but they are no longer returned or filterable. */
/** `factUsers`: who reads the field's fact; deleting a field still read answers 409 naming them. */
export async function deleteCustomField({
  ctx,
  id,
  factUsers,
}: {
  ctx: Ctx;
  id: string;
  factUsers?: FactUsers;
}) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const before = await getDefinitionRow(tx, id);
    await refuseWhileRead(tx, factUsers, factReads({ key: `cf.${before.key}` }), {
      kind: msg('entity.customField'),
      name: before.label,
    });
    await tx.db
      .deleteFrom('custom_field_definitions')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'custom_field.deleted',
      entityType: 'custom_field',
      entityId: id,
      before: rowToDefinition(before),
    });
  });
}

async function getDefinitionRow(ctx: Ctx, id: string) {
  const row = await ctx.db
    .selectFrom('custom_field_definitions')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Custom field', id);
  return row;
}

export type FieldIssue = { path: string; message: string };

/**
 * Checks `values` against the definitions and returns the merged result (`null` removes a key).
 * `existing` is the stored object on update; required fields are checked on the merged result.
 */
export function validateCustomFields(
  definitions: readonly CustomFieldDefinitionsTable[],
  values: Record<string, unknown>,
  existing: CustomFieldValues = {},
): { value: CustomFieldValues; issues: FieldIssue[] } {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const issues: FieldIssue[] = [];
  const merged: CustomFieldValues = {};
  for (const [key, v] of Object.entries(existing)) if (byKey.has(key)) merged[key] = v;
  for (const [key, raw] of Object.entries(values)) {
    const path = `customFields.${key}`;
    const def = byKey.get(key);
    if (!def) {
      issues.push({ path, message: `no custom field named "${key}" is defined` });
      continue;
    }
    if (raw === null || raw === undefined || raw === '') {
      delete merged[key];
      continue;
    }
    const checked = checkValue(def, raw);
    if (typeof checked === 'string') issues.push({ path, message: checked });
    else merged[key] = checked.value;
  }
  for (const def of definitions) {
    if (def.required === 1 && merged[def.key] === undefined) {
      issues.push({ path: `customFields.${def.key}`, message: 'is required' });
    }
  }
  return { value: merged, issues };
}

function checkValue(def: CustomFieldDefinitionsTable, raw: unknown): { value: CustomFieldValue } | string {
  const options = JSON.parse(def.options) as string[];
  switch (def.type as CustomFieldType) {
    case 'text':
      return typeof raw === 'string' && raw.length <= 10_000 ? { value: raw } : 'must be text';
    case 'number': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      return typeof n === 'number' && Number.isFinite(n) ? { value: n } : 'must be a number';
    }
    case 'date':
      return typeof raw === 'string' && isValidDay(raw) ? { value: raw } : 'must be a date as YYYY-MM-DD';
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const s = String(raw).toLowerCase();
      if (['true', '1', 'yes'].includes(s)) return { value: true };
      if (['false', '0', 'no'].includes(s)) return { value: false };
      return 'must be true or false';
    }
    case 'single_select':
      return typeof raw === 'string' && options.includes(raw)
        ? { value: raw }
        : `must be one of: ${options.join(', ')}`;
    case 'multi_select': {
      const list = typeof raw === 'string' ? raw.split('|').map((s) => s.trim()) : raw;
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && options.includes(v))) {
        return `must be a list of: ${options.join(', ')}`;
      }
      return { value: [...new Set(list as string[])] };
    }
  }
}
