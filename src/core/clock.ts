export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const TEST_CLOCK_HEADER = "x-test-clock-offset-seconds";

/**
 * Development only (APP_ENV=development): a request may run with its clock moved forward by
 * X-Test-Clock-Offset-Seconds (0 to 10 years), so tests reach expiries by time passing rather than
 * by editing rows. In production the header is ignored.
 */
export function requestClock(appEnv: "development" | "production", offsetHeader: string | undefined): Clock {
  if (appEnv !== "development" || offsetHeader === undefined || !/^\d{1,9}$/.test(offsetHeader)) {
    return systemClock;
  }
  const offsetMs = Number(offsetHeader) * 1000;
  return { now: () => new Date(systemClock.now().getTime() + offsetMs) };
}
