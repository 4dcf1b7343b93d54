import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ERRORS, IdParam, json, jsonBody, listOf, NO_CONTENT } from '../../server/env.ts';
import {
  ChannelDigest,
  CreateChannelDigest,
  createChannelDigest,
  deleteChannelDigest,
  listChannelDigests,
  sendChannelDigestNow,
  UpdateChannelDigest,
  updateChannelDigest,
} from './channel-digest.ts';
import {
  getNotificationSettings,
  ListNotifications,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  NotificationSettings,
  UpdateNotificationSettings,
  updateNotificationSettings,
} from './notifications.ts';
import { Notification } from './notify.ts';

const OWN =
  'Acts on the signed-in user’s own notifications; every role may (a read-only token may only read).';

/** The signed-in user's in-app notifications and digest setting. */
export function notificationsRoutes() {
  const app = createRouter();
  const tags = ['Notifications'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/notifications',
      tags,
      summary: 'My notifications, newest first (task assigned, account entered danger, renewal in 90 days)',
      request: { query: ListNotifications },
      responses: {
        200: json(
          listOf(Notification).extend({ unreadCount: z.number(), total: z.number().optional() }),
          'A page, with my unread count (and, with includeTotal, how many match the filters)',
        ),
        ...ERRORS,
      },
    }),
    async (c) => c.json(await listNotifications({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/notifications/read-all',
      tags,
      summary: 'Mark all my notifications read',
      description: OWN,
      responses: { 200: json(z.object({ updated: z.number() }), 'How many were unread'), ...ERRORS },
    }),
    async (c) => c.json(await markAllNotificationsRead({ ctx: c.get('ctx') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/notifications/{id}/read',
      tags,
      summary: 'Mark one of my notifications read',
      description: OWN,
      request: { params: IdParam },
      responses: { 200: json(Notification, 'The notification'), ...ERRORS },
    }),
    async (c) => c.json(await markNotificationRead({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/notifications/settings',
      tags,
      summary: 'My notification settings',
      responses: { 200: json(NotificationSettings, 'The settings'), ...ERRORS },
    }),
    async (c) => c.json(await getNotificationSettings({ ctx: c.get('ctx') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/notifications/settings',
      tags,
      summary: 'Turn my daily email digest on or off (off by default)',
      description: `${OWN} The digest is one email a day listing unread notifications and overdue / due-today tasks; nothing is sent on a day with nothing to report.`,
      request: { body: jsonBody(UpdateNotificationSettings) },
      responses: { 200: json(NotificationSettings, 'The settings'), ...ERRORS },
    }),
    async (c) =>
      c.json(await updateNotificationSettings({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );

  // Team digests to chat groups (managers and admins).
  const dtags = ['Notifications'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/channel-digests',
      tags: dtags,
      summary: 'Team digests sent to chat groups daily (managers and admins)',
      responses: { 200: json(listOf(ChannelDigest), 'Every team digest'), ...ERRORS },
    }),
    async (c) => c.json(await listChannelDigests({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/channel-digests',
      tags: dtags,
      summary: 'Send a daily team digest to a chat group (a destination from /alert-destinations)',
      description:
        'Every morning (07:30, workspace time) one message to the destination, in its format, language and signing: the at-risk accounts (each health model’s last band), overdue tasks and renewals due within `renewalDays`, for the whole workspace or the accounts and tasks of `ownerIds`.',
      request: { body: jsonBody(CreateChannelDigest) },
      responses: { 201: json(ChannelDigest, 'Created'), ...ERRORS },
    }),
    async (c) => c.json(await createChannelDigest({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/channel-digests/{id}',
      tags: dtags,
      summary: 'Change a team digest',
      request: { params: IdParam, body: jsonBody(UpdateChannelDigest) },
      responses: { 200: json(ChannelDigest, 'The team digest'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updateChannelDigest({
          ctx: c.get('ctx'),
          id: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/channel-digests/{id}',
      tags: dtags,
      summary: 'Delete a team digest',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteChannelDigest({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/channel-digests/{id}/send',
      tags: dtags,
      summary:
        'Send today’s team digest now (also after the morning’s) and return the delivery’s first attempt',
      request: { params: IdParam },
      responses: {
        200: json(
          z.object({
            deliveryId: z.string(),
            status: z.string(),
            statusCode: z.number().nullable(),
            attempts: z.number(),
          }),
          'The delivery',
        ),
        ...ERRORS,
      },
    }),
    async (c) => c.json(await sendChannelDigestNow({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );

  return app;
}
