import { App, Button, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useResetPasswordMutation } from '../../api/actions.ts';
import type { User } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { showFieldErrors } from '../account360/form-errors.ts';

/**
 * An admin resets a user's password: one they type, or (left empty) a temporary one the server
 * makes and shows once here. The user is signed out everywhere and loses their API tokens.
 */
export function ResetPasswordButton({ user }: { user: User }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { user: me } = useSession();
  const [open, setOpen] = useState(false);
  const [temporary, setTemporary] = useState<string | null>(null);
  const [form] = Form.useForm<{ password?: string }>();
  const reset = useResetPasswordMutation();
  // Your own password is changed in your profile, which asks for the current one.
  if (user.id === me.id) return null;
  const close = () => {
    setOpen(false);
    setTemporary(null);
  };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} data-testid={`reset-password-${user.email}`}>
        {t('resetPassword')}
      </Button>
      <Modal
        open={open}
        title={`${t('resetPassword')}: ${user.name}`}
        okText={temporary ? t('actConfirm') : t('resetPassword')}
        cancelText={t('cancel')}
        confirmLoading={reset.isPending}
        onCancel={close}
        onOk={() => (temporary ? close() : form.submit())}
        destroyOnHidden
      >
        {temporary ? (
          <div data-testid="temporary-password">
            <Typography.Paragraph>{t('resetTemporary')}</Typography.Paragraph>
            <Typography.Paragraph copyable code style={{ fontSize: 16 }}>
              {temporary}
            </Typography.Paragraph>
          </div>
        ) : (
          <Form
            name="reset-password"
            form={form}
            layout="vertical"
            preserve={false}
            onFinish={(v) =>
              reset.mutate(
                { id: user.id, password: v.password || undefined },
                {
                  onSuccess: (r) => {
                    void message.success(t('resetDone', { name: user.name }));
                    if (r.temporaryPassword) setTemporary(r.temporaryPassword);
                    else close();
                  },
                  onError: (e) => {
                    if (!showFieldErrors(form, e)) void message.error(e.message);
                  },
                },
              )
            }
          >
            <Typography.Paragraph type="secondary">{t('resetPasswordHelp')}</Typography.Paragraph>
            <Form.Item name="password" label={t('resetNewPassword')}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </Form>
        )}
      </Modal>
    </>
  );
}
