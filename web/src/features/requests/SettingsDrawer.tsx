import { SettingOutlined } from '@ant-design/icons';
import { App, Button, Divider, Drawer, Form, InputNumber, Select, Space } from 'antd';
import { useState } from 'react';
import {
  type RequestSettings,
  useRequestSettingsMutation,
  useRequestSettingsQuery,
} from '../../api/requests.ts';
import { QueryView } from '../../components/States.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

const WEIGHT_MAX: Record<string, number> = { highValueVolumeShare: 1 };

/** Managers tune the ranking: the high-value band, flagship tags, renewal window, threshold, weights. */
export function SettingsDrawer() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const settings = useRequestSettingsQuery(open);
  const save = useRequestSettingsMutation();
  return (
    <>
      <Button icon={<SettingOutlined />} onClick={() => setOpen(true)}>
        {t('prioritySettings')}
      </Button>
      <Drawer
        open={open}
        title={t('prioritySettings')}
        size={420}
        onClose={() => setOpen(false)}
        destroyOnHidden
        extra={
          <Button type="primary" form="request-settings" htmlType="submit" loading={save.isPending}>
            {t('save')}
          </Button>
        }
      >
        <QueryView query={settings}>
          {(s) => (
            <Form<RequestSettings>
              id="request-settings"
              layout="vertical"
              initialValues={s}
              onFinish={(v) =>
                save.mutate(v, {
                  onSuccess: () => {
                    void message.success(t('saved'));
                    setOpen(false);
                  },
                  onError: (e) => void message.error(e.message),
                })
              }
            >
              <Form.Item name="highValueArr" label={t('highValueArr')} rules={[{ required: true }]}>
                <InputNumber min={0} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="strategicTiers" label={t('strategicTiers')}>
                <Select mode="tags" open={false} />
              </Form.Item>
              <Form.Item name="flagshipTags" label={t('flagshipTags')}>
                <Select mode="tags" open={false} />
              </Form.Item>
              <Space wrap>
                <Form.Item
                  name="renewalWindowDays"
                  label={t('renewalWindowDays')}
                  rules={[{ required: true }]}
                >
                  <InputNumber min={1} max={730} precision={0} />
                </Form.Item>
                <Form.Item name="groupThreshold" label={t('groupThreshold')} rules={[{ required: true }]}>
                  <InputNumber min={0.1} max={1} step={0.05} />
                </Form.Item>
              </Space>
              <Divider titlePlacement="start">{t('weights')}</Divider>
              <Space wrap>
                {Object.keys(s.weights).map((k) => (
                  <Form.Item
                    key={k}
                    name={['weights', k]}
                    label={t(`weight_${k}` as MessageKey)}
                    rules={[{ required: true }]}
                    style={{ width: 180 }}
                  >
                    <InputNumber min={0} max={WEIGHT_MAX[k] ?? 1000} step={WEIGHT_MAX[k] ? 0.05 : 1} />
                  </Form.Item>
                ))}
              </Space>
            </Form>
          )}
        </QueryView>
      </Drawer>
    </>
  );
}
