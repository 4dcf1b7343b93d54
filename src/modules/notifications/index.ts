export {
  ChannelDigest,
  CreateChannelDigest,
  createChannelDigest,
  deleteChannelDigest,
  listChannelDigests,
  sendChannelDigestNow,
  sendChannelDigests,
  UpdateChannelDigest,
  updateChannelDigest,
} from './channel-digest.ts';
export type { DigestContent, MailSender, SendDigestsResult } from './digest.ts';
export { buildDigest, sendDigests } from './digest.ts';
export { dailyDigestJob, renewalNoticesJob } from './jobs.ts';
export { notificationsRoutes } from './notifications.routes.ts';
export {
  getNotificationSettings,
  ListNotifications,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  NotificationSettings,
  UpdateNotificationSettings,
  updateNotificationSettings,
} from './notifications.ts';
export type { NotificationKind, NotifyInput } from './notify.ts';
export { NOTIFICATION_KINDS, Notification, notify } from './notify.ts';
export { notifyEnteredDanger, notifyRenewalsDue, RENEWAL_NOTICE_DAYS } from './producers.ts';
