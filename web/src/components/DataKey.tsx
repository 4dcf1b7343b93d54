import { Typography } from 'antd';

/**
 * A key a workspace chose for something it configured (`active_users`, `erp_system`): the name
 * conditions and the API use, shown as code, the same in both languages (`data-value` tells the
 * crawl test it is data, not a text to translate).
 */
export function DataKey({ value }: { value: string | null | undefined }) {
  if (!value) return null;
  return (
    <Typography.Text code data-value>
      {value}
    </Typography.Text>
  );
}
