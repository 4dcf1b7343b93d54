import { Segmented } from 'antd';
import type { Locale } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** 简体中文 / English; signed in, the choice is saved on the user. */
export function LanguageSwitch({ onChange }: { onChange?: (l: Locale) => void }) {
  const { locale, setLocale, t } = useI18n();
  return (
    <Segmented<Locale>
      aria-label={t('language')}
      size="small"
      value={locale}
      options={[
        { value: 'zh-CN', label: '简体中文' },
        { value: 'en', label: 'English' },
      ]}
      onChange={(l) => {
        setLocale(l);
        onChange?.(l);
      }}
    />
  );
}
