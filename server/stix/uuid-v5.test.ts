import { describe, expect, it } from "vitest";
import { uuidV5 } from "./uuid-v5";

const DNS_NAMESPACE = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
const URL_NAMESPACE = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

describe("uuidV5", () => {
  it("matches the well-known DNS-namespace vector for www.example.com", () => {
    expect(uuidV5("www.example.com", DNS_NAMESPACE)).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });

  it("matches Python's uuid.uuid5(NAMESPACE_URL, 'http://python.org/')", () => {
    expect(uuidV5("http://python.org/", URL_NAMESPACE)).toBe("4c565f0d-3f5a-5890-b41b-20cf47701c5e");
  });

  it("hashes the name as UTF-8 and sets version 5 and the RFC variant", () => {
    const id = uuidV5("Email Subject:Rechnung für Sie 📎", DNS_NAMESPACE);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).not.toBe(uuidV5("Email Subject:Rechnung fur Sie 📎", DNS_NAMESPACE));
  });

  it("gives text with a lone surrogate the id of its U+FFFD replacement instead of throwing", () => {
    expect(uuidV5("a\ud800b", DNS_NAMESPACE)).toBe(uuidV5("a\ufffdb", DNS_NAMESPACE));
  });

  it("rejects a namespace that is not a UUID", () => {
    expect(() => uuidV5("x", "not-a-uuid")).toThrow("namespace 'not-a-uuid' is not a UUID");
  });
});
