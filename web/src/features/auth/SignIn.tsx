import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useLoginMutation } from '../../api/hooks.ts';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function SignIn() {
  const { t } = useI18n();
  const login = useLoginMutation();
  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f5f7fa' }}>
      <main>
        <Card style={{ width: 380 }}>
          <Space orientation="vertical" size="large" style={{ width: '100%' }}>
            <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
              <Typography.Title level={3} style={{ margin: 0 }}>
                {t('signInTitle')}
              </Typography.Title>
            </div>
            <Typography.Text type="secondary">{t('signInHint')}</Typography.Text>
            <LanguageSwitch />
            {login.error && <Alert type="error" showIcon role="alert" title={login.error.message} />}
            <Form
              name="sign-in"
              layout="vertical"
              requiredMark={false}
              onFinish={(v: { email: string; password: string }) => login.mutate(v)}
            >
              <Form.Item name="email" label={t('email')} rules={[{ required: true, type: 'email' }]}>
                <Input autoComplete="username" autoFocus />
              </Form.Item>
              <Form.Item name="password" label={t('password')} rules={[{ required: true }]}>
                <Input.Password autoComplete="current-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={login.isPending}>
                {t('signIn')}
              </Button>
            </Form>
          </Space>
        </Card>
      </main>
    </div>
  );
}
