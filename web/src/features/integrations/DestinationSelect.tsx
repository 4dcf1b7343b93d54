import { Select } from 'antd';
import { useDestinationsQuery } from '../../api/integrations.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * A chat group (or webhook) an admin set up under Integrations, picked by name and kind: the rule
 * editor's alert action and the team digest. Form.Item passes value and onChange.
 */
export function DestinationSelect(props: { value?: unknown; onChange?: (v: unknown) => void; id?: string }) {
  const { t } = useI18n();
  const label = useEnumLabel();
  const q = useDestinationsQuery();
  return (
    <Select
      {...(props as Record<string, never>)}
      loading={q.isLoading}
      showSearch={{ optionFilterProp: 'label' }}
      notFoundContent={t('noDestinations')}
      options={(q.data?.items ?? []).map((d) => ({
        value: d.id,
        label: `${d.name} · ${label('subscriptionKind', d.kind)}${d.enabled ? '' : ` (${t('destinationOff')})`}`,
      }))}
      data-testid="destination-select"
    />
  );
}
