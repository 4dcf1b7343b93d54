// Names in both languages for what a workspace defines (stages, segments, tiering schemes, tiers):
// stored as `name` plus an optional `label` {en, zh-CN}; the API answers `name` in the reader's
// language and `label` for editing.
import { z } from 'zod';
import { parseJson } from '../../db/dialect.ts';
import { DEFAULT_LOCALE, type Locale, type MessageKey, msg, render } from '../../i18n/index.ts';

const Text = z.string().trim().min(1).max(200);
export const Label = z.object({ en: Text, 'zh-CN': Text });
export type Label = z.infer<typeof Label>;

/** The stored label, or `name` in both languages when there is none. */
export const labelOf = (name: string, stored: string | null | undefined): Label =>
  (stored ? parseJson<Label | null>(stored, null) : null) ?? { en: name, 'zh-CN': name };

/**
 * The `name` and `label` columns after a write. A label sent replaces both languages; a name sent
 * alone is the name in the writer's language, so it replaces that language of an existing label
 * (a person editing in English does not overwrite the Chinese name). `name` follows the label's
 * default-language text, the fallback for readers of any other language.
 */
export function namesOnWrite(
  locale: Locale,
  input: { name?: string | undefined; label?: Label | null | undefined },
  before?: { name: string; label: string | null },
): { name: string; label: string | null } {
  if (input.label) return { name: input.label[DEFAULT_LOCALE], label: JSON.stringify(input.label) };
  const stored = input.label === null ? null : (before?.label ?? null);
  const name = input.name ?? before?.name ?? '';
  if (!stored) return { name, label: null };
  if (input.name === undefined) return { name: before?.name ?? name, label: stored };
  const label = { ...labelOf(name, stored), [locale]: input.name };
  return { name: label[DEFAULT_LOCALE], label: JSON.stringify(label) };
}

const TIER_KEYS = ['strategic', 'growth', 'nurture', 'small', 'medium', 'large', 'very_large', 'unassigned'];

/**
 * A tier's name: the scheme's own label for it, else the built-in name of a template tier key,
 * else (a composite label such as 华东/制造/large) each part that is a template key by name.
 */
export function tierLabel(key: string, labels?: Readonly<Record<string, Label>> | null): Label {
  const own = labels?.[key];
  if (own) return own;
  const part = (locale: Locale, p: string) =>
    TIER_KEYS.includes(p) ? render(locale, msg(`tier.${p}` as MessageKey)) : p;
  const of = (locale: Locale) =>
    key
      .split('/')
      .map((p) => part(locale, p))
      .join('/');
  return { en: of('en'), 'zh-CN': of('zh-CN') };
}
