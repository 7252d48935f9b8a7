/**
 * The auth module's door: functions/ import auth only from here. The verbs live in files named by
 * what happens: sessions.ts (sign-up, log-in, sessions and their pruning), api-keys.ts (create,
 * list, roll, revoke API keys).
 */
export { pruneSessions } from "./sessions";
