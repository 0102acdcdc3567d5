"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { cn } from "@/app/_components/ui";
import type { TaskStatus } from "@/lib/vocabulary";
import { formatDuration, TASK_STATUS_LABELS, type JobDetail } from "./dashboard-types";
import { formatUtc } from "@/app/_components/local-time";
import { timelineKindPrefix } from "./job-text";
import { timelineBar, timelineSpan } from "./timeline-layout";

type Task = JobDetail["tasks"][number];

const BAR_TONES: Record<TaskStatus, string> = {
  running: "bg-brand-500 animate-pulse",
  succeeded: "bg-green-600",
  failed: "bg-red-600",
  cancelled: "bg-slate-400",
};

const ROW_HEIGHT = 36;

/** Amber stripes: waiting, not working. Drawn with a gradient, as Tailwind has no hatch utility. */
const HATCH = { backgroundImage: "repeating-linear-gradient(45deg, #f59e0b 0 4px, #fde68a 4px 8px)" };

/**
 * One bar per task attempt across the job's span: a retry is its own bar marked with its attempt, and the part
 * of an upload spent waiting for the Azure principal's throttle is hatched. Long jobs have hundreds of uploads,
 * so only the rows in view are rendered.
 */
export function TaskTimeline({ tasks, now }: { tasks: readonly Task[]; now: Date }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const span = timelineSpan(tasks, now);
  if (!span) {
    return <p className="text-sm text-slate-500">No task has started yet.</p>;
  }
  return (
    <div>
      <div className="mb-2 flex flex-wrap items-center gap-4 text-xs text-slate-600">
        <span>
          {formatUtc(new Date(span.start))} → {formatDuration(span.end - span.start)}
        </span>
        <span className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-3 w-5 rounded-sm bg-green-600" /> working
        </span>
        <span className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-3 w-5 rounded-sm" style={HATCH} /> waiting for the throttle
        </span>
      </div>
      <div ref={scrollRef} className="max-h-[28rem] overflow-y-auto rounded-md border border-slate-200">
        <ol aria-label="Task timeline" className="relative" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const task = tasks[item.index];
            if (!task) return null;
            const bar = timelineBar(task, span, now);
            const kindPrefix = timelineKindPrefix(task.kind, task.label);
            const attempt = task.attempt > 0 ? ` · attempt ${task.attempt + 1}` : "";
            const description = `${task.label}: ${TASK_STATUS_LABELS[task.status]}${attempt}, ${formatDuration(bar.durationMs)}${
              bar.waitMs > 0 ? `, of which ${formatDuration(bar.waitMs)} waiting for the throttle` : ""
            }${task.error ? `. ${task.error}` : ""}`;
            return (
              <li
                key={task.id}
                data-testid="timeline-task"
                className="absolute inset-x-0 grid grid-cols-[14rem_1fr] items-center gap-3 border-b border-slate-100 px-3"
                style={{ top: item.start, height: ROW_HEIGHT }}
              >
                <span className="truncate text-xs text-slate-700" title={task.label}>
                  {kindPrefix ? <span className="font-medium">{kindPrefix}: </span> : null}
                  {task.label}
                  {task.attempt > 0 ? (
                    <span className="ml-1 rounded bg-amber-100 px-1 text-amber-900">attempt {task.attempt + 1}</span>
                  ) : null}
                </span>
                <span className="relative block h-4" role="img" aria-label={description} title={description}>
                  <span
                    className={cn("absolute top-0 flex h-4 overflow-hidden rounded-sm", BAR_TONES[task.status])}
                    style={{ left: `${bar.leftPercent}%`, width: `${bar.widthPercent}%` }}
                  >
                    {bar.waitPercent > 0 ? (
                      <span className="h-full" style={{ ...HATCH, width: `${bar.waitPercent}%` }} />
                    ) : null}
                  </span>
                </span>
              </li>
            );
          })}
        </ol>
      </div>
    </div>
  );
}
