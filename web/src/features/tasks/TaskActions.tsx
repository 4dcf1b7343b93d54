import { CheckOutlined, MessageOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, DatePicker, Form, Input, Modal, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useUsersQuery } from '../../api/hooks.ts';
import {
  type CreateTaskInput,
  PRIORITIES,
  TASK_TYPES,
  type Task,
  useTaskMutations,
} from '../../api/tasks.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';

export const typeLabel = (t: (k: MessageKey) => string, type: string) => t(`type_${type}` as MessageKey);
export const statusLabel = (t: (k: MessageKey) => string, status: string) =>
  t(`status_${status}` as MessageKey);
export const PRIORITY_COLORS: Record<string, string> = { P0: 'red', P1: 'orange', P2: 'blue', P3: 'default' };

/** New task on an account: assigned to me, the account's owner, or a chosen user. */
export function CreateTaskButton({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { user } = useSession();
  const users = useUsersQuery({ active: 'true' });
  const { create } = useTaskMutations();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
        {t('newTask')}
      </Button>
      <Modal
        open={open}
        title={t('newTask')}
        okText={t('create')}
        cancelText={t('cancel')}
        confirmLoading={create.isPending}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          name="task"
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ type: 'call', priority: 'P2', assignTo: 'me' }}
          onFinish={(v: {
            title: string;
            description?: string;
            type: Task['type'];
            priority: Task['priority'];
            dueDate?: Dayjs;
            assignTo: string;
          }) => {
            const input: CreateTaskInput = {
              accountId,
              title: v.title,
              description: v.description || null,
              type: v.type,
              priority: v.priority,
              dueDate: v.dueDate?.format('YYYY-MM-DD'),
              assignee:
                v.assignTo === 'me'
                  ? { userId: user.id }
                  : v.assignTo === 'owner'
                    ? { role: 'owner' }
                    : { userId: v.assignTo },
            };
            create.mutate(input, {
              onSuccess: () => {
                void message.success(t('saved'));
                setOpen(false);
              },
              onError: (e) => void message.error(e.message),
            });
          }}
        >
          <Form.Item name="title" label={t('taskTitle')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="description" label={t('description')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="type" label={t('taskType')}>
              <Select
                style={{ width: 160 }}
                options={TASK_TYPES.map((x) => ({ value: x, label: typeLabel(t, x) }))}
              />
            </Form.Item>
            <Form.Item name="priority" label={t('priority')}>
              <Select style={{ width: 100 }} options={PRIORITIES.map((x) => ({ value: x, label: x }))} />
            </Form.Item>
            <Form.Item name="dueDate" label={t('dueDate')}>
              <DatePicker />
            </Form.Item>
          </Space>
          <Form.Item name="assignTo" label={t('assignee')}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={[
                { value: 'me', label: `${t('assignToMe')} (${user.name})` },
                { value: 'owner', label: t('assignToOwner') },
                ...(users.data?.items ?? [])
                  .filter((u) => u.id !== user.id && u.role !== 'viewer')
                  .map((u) => ({ value: u.id, label: u.name })),
              ]}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** Complete, and record a follow-up (optionally closing the task in the same step). */
export function TaskRowActions({ task }: { task: Task }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { update, followUp } = useTaskMutations();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const closed = task.status === 'done' || task.status === 'cancelled';
  return (
    <Space size="small">
      {!closed && (
        <Button
          size="small"
          icon={<CheckOutlined />}
          aria-label={`${t('complete')} ${task.title}`}
          loading={update.isPending}
          onClick={() =>
            update.mutate({ id: task.id, status: 'done' }, { onError: (e) => void message.error(e.message) })
          }
        >
          {t('complete')}
        </Button>
      )}
      <Button
        size="small"
        icon={<MessageOutlined />}
        aria-label={`${t('followUp')} ${task.title}`}
        onClick={() => setOpen(true)}
      >
        {t('followUp')}
      </Button>
      <Modal
        open={open}
        title={`${t('followUp')}: ${task.title}`}
        okText={t('save')}
        cancelText={t('cancel')}
        confirmLoading={followUp.isPending}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          name="follow-up"
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={(v: { summary: string; outcome?: string; nextStep?: string; close?: boolean }) =>
            followUp.mutate(
              {
                id: task.id,
                summary: v.summary,
                outcome: v.outcome || undefined,
                nextStep: v.nextStep || undefined,
                taskStatus: v.close ? 'done' : undefined,
              },
              {
                onSuccess: () => {
                  void message.success(t('saved'));
                  setOpen(false);
                },
                onError: (e) => void message.error(e.message),
              },
            )
          }
        >
          <Form.Item name="summary" label={t('summary')} rules={[{ required: true }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="outcome" label={t('outcome')}>
            <Input />
          </Form.Item>
          <Form.Item name="nextStep" label={t('nextStep')}>
            <Input />
          </Form.Item>
          {!closed && (
            <Form.Item name="close" valuePropName="checked">
              <Checkbox>{t('closeTask')}</Checkbox>
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
