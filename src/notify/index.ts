export { sendNotification, type SecretSource } from './channels/send.js';
export { signWebhook, verifyWebhook } from './channels/signature.js';
export { backoffSeconds, deliverDueNotifications, deliverNotificationsTask } from './deliver.js';
export { enqueueNotification, type NotificationInput, type NotificationPayload } from './outbox.js';
