/** The most requests any sliding window of `windowMs` holds, as Sentinel counts them (window end exclusive). */
export function maxRequestsInWindow(timestampsMs: number[], windowMs: number): number {
  const sorted = [...timestampsMs].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** Sustained requests per minute between the first and the last request, as a share of Sentinel's 100. */
export function shareOfLimit(timestampsMs: number[], minuteMs: number): number {
  const sorted = [...timestampsMs].sort((a, b) => a - b);
  const spanMs = (sorted.at(-1) ?? 0) - (sorted[0] ?? 0);
  if (sorted.length < 2 || spanMs === 0) return 0;
  return (sorted.length - 1) / (spanMs / minuteMs) / 100;
}
