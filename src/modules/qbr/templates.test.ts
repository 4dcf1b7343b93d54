import { describe, expect, it } from 'vitest';
import { DEFAULT_QBR_SETTINGS, QbrSettings } from './qbr-settings.ts';
import { DEFAULT_TIER_TEMPLATES, templateForTier } from './templates.ts';

describe('templateForTier', () => {
  it('keeps the fixed mapping by default: strategic -> strategic, nurture -> light, else standard', () => {
    expect(templateForTier('strategic')).toBe('strategic');
    expect(templateForTier('nurture')).toBe('light');
    expect(templateForTier('growth')).toBe('standard');
    expect(templateForTier('华东/制造/large')).toBe('standard');
    expect(templateForTier(null)).toBe('standard');
    // The settings a workspace starts with are the same mapping.
    for (const tier of ['strategic', 'nurture', 'growth', null])
      expect(templateForTier(tier, DEFAULT_QBR_SETTINGS)).toBe(templateForTier(tier, DEFAULT_TIER_TEMPLATES));
  });

  it('follows a workspace mapping, giving tiers it does not list and no tier its default', () => {
    const settings = {
      tierTemplates: { growth: 'strategic', strategic: 'standard' },
      defaultTemplate: 'light',
    } as const;
    expect(templateForTier('growth', settings)).toBe('strategic');
    expect(templateForTier('strategic', settings)).toBe('standard');
    // nurture was light only by the built-in mapping; here it falls to the default.
    expect(templateForTier('nurture', settings)).toBe('light');
    expect(templateForTier('enterprise', settings)).toBe('light');
    expect(templateForTier(null, settings)).toBe('light');
  });

  it('never reads a tier named like an Object.prototype key from the prototype', () => {
    const settings = { tierTemplates: {}, defaultTemplate: 'standard' } as const;
    expect(templateForTier('constructor', settings)).toBe('standard');
    expect(templateForTier('toString', settings)).toBe('standard');
  });
});

describe('QbrSettings', () => {
  it('names the field of an unknown template and a non-positive cost, and refuses unknown fields', () => {
    const paths = (input: unknown) => {
      const r = QbrSettings.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    const ok = { tierTemplates: { growth: 'light' }, defaultTemplate: 'standard', hourlyCost: 120 };
    expect(paths(ok)).toEqual([]);
    expect(paths({ ...ok, hourlyCost: null })).toEqual([]);
    expect(paths({ ...ok, tierTemplates: { growth: 'premium' } })).toEqual(['tierTemplates.growth']);
    expect(paths({ ...ok, defaultTemplate: 'full' })).toEqual(['defaultTemplate']);
    expect(paths({ ...ok, hourlyCost: 0 })).toEqual(['hourlyCost']);
    expect(paths({ ...ok, hourlyCost: -5 })).toEqual(['hourlyCost']);
    const extra = QbrSettings.safeParse({ ...ok, currency: 'USD' });
    expect(extra.success ? [] : extra.error.issues.map((i) => ('keys' in i ? i.keys : i.path))).toEqual([
      ['currency'],
    ]);
  });
});
