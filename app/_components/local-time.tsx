"use client";

import { useEffect, useState, useSyncExternalStore } from "react";

const subscribeNever = () => () => undefined;

/** False while rendering on the server and hydrating, true after: the viewer's time zone is known only then. */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
}

const utcFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

export function formatUtc(date: Date): string {
  return `${utcFormat.format(date)} UTC`;
}

/**
 * A time in the viewer's time zone, with the exact UTC instant on hover. The server renders UTC, and the local
 * form replaces it after hydration, so the markup never mismatches.
 */
export function LocalTime({ date, withSeconds = false }: { date: Date; withSeconds?: boolean }) {
  const isClient = useIsClient();
  const text = isClient
    ? date.toLocaleString(undefined, {
        dateStyle: "medium",
        timeStyle: withSeconds ? "medium" : "short",
      })
    : formatUtc(date);
  return (
    <time dateTime={date.toISOString()} title={formatUtc(date)} className="whitespace-nowrap">
      {text}
    </time>
  );
}

/** The clock durations and ETAs are measured against; it ticks only while something is live, so idle pages rest. */
export function useNow(isLive: boolean, everyMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (!isLive) return;
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [isLive, everyMs]);
  return now;
}
