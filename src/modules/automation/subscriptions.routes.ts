import { createRoute } from '@hono/zod-openapi';
import { createRouter, ERRORS, IdParam, json, jsonBody, listOf, NO_CONTENT } from '../../server/env.ts';
import {
  CreateSubscription,
  createSubscription,
  Destination,
  deleteSubscription,
  getSubscription,
  ListDeliveries,
  listDestinations,
  listSubscriptionDeliveries,
  listSubscriptions,
  Subscription,
  SubscriptionDelivery,
  testSubscription,
  UpdateSubscription,
  updateSubscription,
} from './subscriptions.ts';

/** Event subscriptions (webhooks and WeCom / Feishu / DingTalk bots) and their delivery logs. Admins. */
export function subscriptionsRoutes() {
  const app = createRouter();
  const tags = ['Integrations'];
  const id = (c: { req: { valid: (t: 'param') => { id: string } } }) => c.req.valid('param').id;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/subscriptions',
      tags,
      summary: 'Where Steward’s events are sent: webhooks and group bots',
      responses: { 200: json(listOf(Subscription), 'Every subscription'), ...ERRORS },
    }),
    async (c) => c.json(await listSubscriptions({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/subscriptions',
      tags,
      summary: 'Subscribe a webhook or a WeCom / Feishu / DingTalk group bot to events',
      description:
        'A webhook gets JSON signed with `x-steward-signature: sha256=HMAC-SHA256(secret, "<x-steward-timestamp>.<body>")` (the secret is returned here). Bots get their platform’s message format; Feishu and DingTalk bots with 加签 get `secret` and are signed as their platform expects. Texts are written in `locale` (default: yours).',
      request: { body: jsonBody(CreateSubscription) },
      responses: { 201: json(Subscription, 'Created'), ...ERRORS },
    }),
    async (c) => c.json(await createSubscription({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/subscriptions/{id}',
      tags,
      summary: 'One subscription',
      request: { params: IdParam },
      responses: { 200: json(Subscription, 'The subscription'), ...ERRORS },
    }),
    async (c) => c.json(await getSubscription({ ctx: c.get('ctx'), id: id(c) }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/subscriptions/{id}',
      tags,
      summary: 'Change a subscription; disabling it cancels its pending deliveries',
      request: { params: IdParam, body: jsonBody(UpdateSubscription) },
      responses: { 200: json(Subscription, 'The subscription'), ...ERRORS },
    }),
    async (c) =>
      c.json(await updateSubscription({ ctx: c.get('ctx'), id: id(c), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/subscriptions/{id}',
      tags,
      summary: 'Delete a subscription (its delivery log goes with it from the list)',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteSubscription({ ctx: c.get('ctx'), id: id(c) });
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/subscriptions/{id}/test',
      tags,
      summary: 'Send a test message now and return its delivery (status code, outcome, the answer)',
      request: { params: IdParam },
      responses: { 200: json(SubscriptionDelivery, 'The test delivery after its first attempt'), ...ERRORS },
    }),
    async (c) => c.json(await testSubscription({ ctx: c.get('ctx'), id: id(c) }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/subscriptions/{id}/deliveries',
      tags,
      summary: 'The delivery log: each event sent, every attempt’s status code and outcome, the last answer',
      request: { params: IdParam, query: ListDeliveries },
      responses: { 200: json(listOf(SubscriptionDelivery), 'A page, newest first'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await listSubscriptionDeliveries({ ctx: c.get('ctx'), id: id(c), input: c.req.valid('query') }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/alert-destinations',
      tags,
      summary: 'Where rule alerts and team digests can go: subscriptions by name and kind (managers)',
      responses: { 200: json(listOf(Destination), 'Every subscription, without URL or secret'), ...ERRORS },
    }),
    async (c) => c.json(await listDestinations({ ctx: c.get('ctx') }), 200),
  );
  return app;
}
