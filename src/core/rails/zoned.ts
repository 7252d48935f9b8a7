/** Wall-clock time in a time zone (IANA name), with Intl only: the Workers runtime has the full tz database. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The instant's wall clock in `timeZone`, as if it were UTC (ms). */
function wallClockMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
}

/** The calendar day (`YYYY-MM-DD`) it is in `timeZone` at `instant`. */
export function localDate(instant: Date, timeZone: string): string {
  return new Date(wallClockMs(instant, timeZone)).toISOString().slice(0, 10);
}

/**
 * The instant at which it is `time` (`HH:MM`) on `date` in `timeZone`. The zone's offset is read at
 * the guessed instant and once more at the corrected one, which settles it on either side of a
 * daylight-saving change (cut-offs are never inside the skipped or repeated hour).
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const wanted = Date.parse(`${date}T${time}:00Z`);
  let guess = wanted;
  for (let step = 0; step < 2; step++) guess = wanted - (wallClockMs(new Date(guess), timeZone) - guess);
  return new Date(guess);
}
