import { describe, expect, it } from "vitest";
import { parseDateInput, rangeSearch, resolveDateRange } from "./date-range";

// Wednesday, 5 March 2025, late evening UTC.
const now = new Date("2025-03-05T23:30:00.000Z");

describe("resolveDateRange", () => {
  it("today is [00:00 UTC, 00:00 UTC tomorrow)", () => {
    expect(resolveDateRange({ range: "today" }, now)).toMatchObject({ key: "today", from: "2025-03-05T00:00:00.000Z", to: "2025-03-06T00:00:00.000Z" });
  });

  it("an unknown or missing range is today", () => {
    expect(resolveDateRange({ range: "year" }, now).key).toBe("today");
    expect(resolveDateRange({}, now).key).toBe("today");
  });

  it("this week runs Monday to next Monday, also on a Sunday", () => {
    expect(resolveDateRange({ range: "week" }, now)).toMatchObject({ from: "2025-03-03T00:00:00.000Z", to: "2025-03-10T00:00:00.000Z", toDate: "2025-03-09" });
    expect(resolveDateRange({ range: "week" }, new Date("2025-03-09T12:00:00Z"))).toMatchObject({ from: "2025-03-03T00:00:00.000Z" });
  });

  it("this month runs from the 1st to the 1st of next month, across a year end", () => {
    expect(resolveDateRange({ range: "month" }, now)).toMatchObject({ from: "2025-03-01T00:00:00.000Z", to: "2025-04-01T00:00:00.000Z" });
    expect(resolveDateRange({ range: "month" }, new Date("2024-12-31T23:59:59Z"))).toMatchObject({ from: "2024-12-01T00:00:00.000Z", to: "2025-01-01T00:00:00.000Z" });
  });

  it("custom includes both days and reports an inverted range", () => {
    expect(resolveDateRange({ range: "custom", from: "2025-02-10", to: "2025-02-12" }, now)).toMatchObject({ from: "2025-02-10T00:00:00.000Z", to: "2025-02-13T00:00:00.000Z", error: undefined });
    expect(resolveDateRange({ range: "custom", from: "2025-02-12", to: "2025-02-10" }, now).error).toBeTruthy();
    expect(resolveDateRange({ range: "custom", from: "nonsense" }, now)).toMatchObject({ fromDate: "2025-03-01", toDate: "2025-03-05" });
  });
});

describe("parseDateInput and rangeSearch", () => {
  it("accepts only real days", () => {
    expect(parseDateInput("2025-02-28")?.toISOString()).toBe("2025-02-28T00:00:00.000Z");
    expect(parseDateInput("2025-02-30")).toBeUndefined();
    expect(parseDateInput("28.02.2025")).toBeUndefined();
  });

  it("puts dates in the query only for custom", () => {
    expect(rangeSearch("week", "2025-03-03", "2025-03-09")).toBe("range=week");
    expect(rangeSearch("custom", "2025-03-03", "2025-03-09")).toBe("range=custom&from=2025-03-03&to=2025-03-09");
  });
});
