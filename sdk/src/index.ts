export {
  type CallOptions,
  createMagnetPay,
  type MagnetPay,
  type MagnetPayOptions,
  type Resources,
} from "./client.js";
export {
  type ErrorBody,
  type ErrorCode,
  type ErrorDetails,
  type ErrorType,
  MagnetPayConnectionError,
  MagnetPayError,
  UNEXPECTED_RESPONSE,
} from "./errors.js";
export { AutoPager, type Cursor, type ListPage } from "./pagination.js";
export type { components, operations, paths } from "./schema.js";
export type { Credentials, RetryOptions } from "./transport.js";
export { verifyWebhook, type WebhookHeaders, WebhookVerificationError } from "./webhooks.js";
