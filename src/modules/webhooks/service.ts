/**
 * The webhooks module's door: functions/ and src/app.ts import webhooks only from here. The verbs
 * live in files named by what happens: endpoints.ts (endpoint CRUD, secret rotation),
 * deliveries.ts (test webhook, list and retrieve deliveries, retry, redeliver), fanout.ts (events
 * to deliveries, attempts queued and published), attempt.ts (one delivery attempt and what follows
 * it), send.ts (the signed POST), sweep.ts (the every-minute safety net, pruning), request.ts (a
 * synchronous signed request whose answer the caller waits for: the issuing authorization webhook).
 */
export { deliverAttempt, releaseClockWebhookRetries, runClockWebhookRetries } from "./attempt";
export { DELIVER_FUNCTION, dispatchRecorded } from "./fanout";
export { answeringEndpointsQuery, type EndpointAnswer, requestEndpointAnswer } from "./request";
export { pruneWebhookDeliveries, sweepWebhooks } from "./sweep";
