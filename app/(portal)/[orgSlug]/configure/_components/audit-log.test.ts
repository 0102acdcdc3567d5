import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, test } from "vitest";
import { AUDIT_ACTIONS, AUDIT_ACTION_LABELS } from "@/lib/vocabulary";
import { AuditEntryView } from "./audit-log";
import type { AuditEntry } from "./configure-types";

const entryOf = (action: AuditEntry["action"]): AuditEntry => ({
  id: "00000000-0000-4000-8000-000000000001",
  at: new Date("2031-01-01T00:00:00.000Z"),
  action,
  targetType: "service",
  targetId: "00000000-0000-4000-8000-000000000002",
  diff: { keyId: "k2" },
  actor: null,
});

const ENTITIES: Record<string, string> = { "&#x27;": "'", "&quot;": '"', "&lt;": "<", "&gt;": ">", "&amp;": "&" };

/** The entry as a reader sees it: markup stripped, entities decoded. */
const textOf = (entry: AuditEntry) =>
  renderToStaticMarkup(createElement(AuditEntryView, { entry }))
    .replace(/<[^>]+>/g, "")
    .replace(/&#x27;|&quot;|&lt;|&gt;|&amp;/g, (entity) => ENTITIES[entity] ?? entity);

describe("audit entries", () => {
  test("a re-encryption by the system reads as words, not as its stored action", () => {
    const text = textOf(entryOf("service.credentials_reencrypted"));
    expect(text).toContain("System re-encrypted the stored secrets under the current key");
    expect(text).not.toContain("service.credentials_reencrypted");
  });

  test("no action is ever shown raw", () => {
    for (const action of AUDIT_ACTIONS) {
      const text = textOf(entryOf(action));
      expect(text).toContain(AUDIT_ACTION_LABELS[action]);
      expect(text).not.toContain(action);
    }
  });
});
