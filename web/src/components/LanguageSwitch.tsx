import { Segmented } from 'antd';
import type { Locale } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

const LANGUAGES: [Locale, string][] = [
  ['zh-CN', '简体中文'],
  ['en', 'English'],
];

/**
 * 简体中文 / English; signed in, the choice is saved on the user. Clicking the language already on
 * screen is a choice too (on the sign-in page it must win over the profile's at login), but antd's
 * Segmented fires no change for it, so the label says so itself.
 */
export function LanguageSwitch({ onChange }: { onChange?: (l: Locale) => void }) {
  const { locale, setLocale, t } = useI18n();
  const choose = (l: Locale) => {
    setLocale(l);
    onChange?.(l);
  };
  return (
    <Segmented<Locale>
      aria-label={t('language')}
      size="small"
      value={locale}
      options={LANGUAGES.map(([value, name]) => ({
        value,
        label: (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the Segmented option itself takes the keys
          // biome-ignore lint/a11y/noStaticElementInteractions: as above
          <span onClick={value === locale ? () => choose(value) : undefined}>{name}</span>
        ),
      }))}
      onChange={choose}
    />
  );
}
