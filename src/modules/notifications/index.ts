export type { NotificationKind, NotifyInput } from './notify.ts';
export { NOTIFICATION_KINDS, Notification, notify } from './notify.ts';
