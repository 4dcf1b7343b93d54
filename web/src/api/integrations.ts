// Support tickets (Account 360's Tickets tab) and event subscriptions (the Integrations page).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import { outEventTypeValues, subscriptionKindValues } from './schema.gen.ts';
import type { BodyOf, Page, Schemas } from './types.ts';

export const OUT_EVENT_TYPES = outEventTypeValues;
export const SUBSCRIPTION_KINDS = subscriptionKindValues;
export type Ticket = Schemas['Ticket'];
export type Subscription = Schemas['Subscription'];
export type SubscriptionDelivery = Schemas['SubscriptionDelivery'];
export type SubscriptionKind = Schemas['SubscriptionKind'];
export type OutEventType = Schemas['OutEventType'];
export type CreateSubscriptionInput = BodyOf<'/subscriptions', 'post'>;
export type UpdateSubscriptionInput = BodyOf<'/subscriptions/{id}', 'patch'>;
export type TicketSummary = {
  open: number;
  last30d: number;
  last90d: number;
  medianResolutionHours90d: number | null;
  escalations90d: number;
  satisfaction90d: number | null;
};

export function useAccountTicketsQuery(accountId: string, status: 'open' | 'solved' | 'all') {
  return useQuery({
    queryKey: ['accounts', accountId, 'tickets', status],
    queryFn: ({ signal }) =>
      get<Page<Ticket>>(`/accounts/${accountId}/tickets`, { status, limit: 100 }, signal),
    placeholderData: keepPreviousData,
  });
}
export function useTicketSummaryQuery(accountId: string) {
  return useQuery({
    queryKey: ['accounts', accountId, 'tickets', 'summary'],
    queryFn: ({ signal }) => get<TicketSummary>(`/accounts/${accountId}/tickets/summary`, undefined, signal),
  });
}

export function useSubscriptionsQuery() {
  return useQuery({
    queryKey: ['subscriptions'],
    queryFn: ({ signal }) => get<Page<Subscription>>('/subscriptions', undefined, signal),
  });
}
export function useDeliveriesQuery(subscriptionId: string | null) {
  return useQuery({
    queryKey: ['subscriptions', subscriptionId, 'deliveries'],
    queryFn: ({ signal }) =>
      get<Page<SubscriptionDelivery>>(`/subscriptions/${subscriptionId}/deliveries`, { limit: 50 }, signal),
    enabled: subscriptionId !== null,
    // Pending deliveries are retried by the server every minute.
    refetchInterval: 15_000,
  });
}

export function useSubscriptionMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['subscriptions'] });
  return {
    create: useMutation({
      mutationFn: (input: CreateSubscriptionInput) =>
        api<Subscription>('POST', '/subscriptions', { body: input }),
      onSuccess: done,
    }),
    update: useMutation({
      mutationFn: ({ id, ...input }: UpdateSubscriptionInput & { id: string }) =>
        api<Subscription>('PATCH', `/subscriptions/${id}`, { body: input }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', `/subscriptions/${id}`),
      onSuccess: done,
    }),
    test: useMutation({
      mutationFn: (id: string) => api<SubscriptionDelivery>('POST', `/subscriptions/${id}/test`),
      onSuccess: done,
    }),
  };
}

// Rule alerts and team digests pick a destination by name (managers; no URL or secret).
export type Destination = Schemas['Destination'];
export type ChannelDigest = Schemas['ChannelDigest'];
export type CreateChannelDigestInput = BodyOf<'/channel-digests', 'post'>;
export type UpdateChannelDigestInput = BodyOf<'/channel-digests/{id}', 'patch'>;

export function useDestinationsQuery() {
  return useQuery({
    queryKey: ['alert-destinations'],
    queryFn: ({ signal }) => get<Page<Destination>>('/alert-destinations', undefined, signal),
  });
}

export function useChannelDigestsQuery() {
  return useQuery({
    queryKey: ['channel-digests'],
    queryFn: ({ signal }) => get<Page<ChannelDigest>>('/channel-digests', undefined, signal),
  });
}

export function useChannelDigestMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['channel-digests'] });
  return {
    create: useMutation({
      mutationFn: (input: CreateChannelDigestInput) =>
        api<ChannelDigest>('POST', '/channel-digests', { body: input }),
      onSuccess: done,
    }),
    update: useMutation({
      mutationFn: ({ id, ...input }: UpdateChannelDigestInput & { id: string }) =>
        api<ChannelDigest>('PATCH', `/channel-digests/${id}`, { body: input }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', `/channel-digests/${id}`),
      onSuccess: done,
    }),
    send: useMutation({
      mutationFn: (id: string) =>
        api<{ deliveryId: string; status: string; statusCode: number | null; attempts: number }>(
          'POST',
          `/channel-digests/${id}/send`,
        ),
      onSuccess: done,
    }),
  };
}
