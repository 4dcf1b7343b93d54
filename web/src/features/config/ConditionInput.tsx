import { AutoComplete, Input } from 'antd';
import { useState } from 'react';
import { useCatalogueQuery } from '../../api/hooks.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * A text box for the condition language that suggests fact names from the catalogue for the word
 * being typed; the API checks the condition and its 400 names the unknown fact or wrong type.
 */
export function ConditionInput({
  value,
  onChange,
  id,
}: {
  value?: string;
  onChange?: (v: string) => void;
  id?: string;
}) {
  const { t } = useI18n();
  const catalogue = useCatalogueQuery();
  const [word, setWord] = useState('');
  const text = value ?? '';
  const options =
    word.length >= 2
      ? (catalogue.data ?? [])
          .filter((f) => f.key.includes(word))
          .slice(0, 12)
          .map((f) => ({
            value: `${text.slice(0, text.length - word.length)}${f.key}`,
            label: `${f.key} (${f.type}) — ${f.description}`,
          }))
      : [];
  return (
    <AutoComplete
      id={id}
      value={text}
      options={options}
      onChange={(v: string) => {
        setWord(/[\w.]+$/.exec(v)?.[0] ?? '');
        onChange?.(v);
      }}
      style={{ width: '100%' }}
    >
      <Input.TextArea
        aria-label={t('condition')}
        autoSize={{ minRows: 1, maxRows: 4 }}
        placeholder={t('factConditionHelp')}
      />
    </AutoComplete>
  );
}
