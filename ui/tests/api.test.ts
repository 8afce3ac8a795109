import { describe, expect, it } from "vitest";
import { isAppError, toAppError } from "../src/api";
import { fileName } from "../src/lib/paths";

describe("toAppError", () => {
  it("keeps the shell's { code, message }", () => {
    expect(toAppError({ code: "library.too_new", message: "Newer library", extra: 1 })).toEqual({
      code: "library.too_new",
      message: "Newer library",
    });
  });
  it("wraps anything else as ui.unknown", () => {
    expect(toAppError("boom")).toEqual({ code: "ui.unknown", message: "boom" });
    expect(toAppError(new Error("bad"))).toEqual({ code: "ui.unknown", message: "bad" });
    expect(toAppError(undefined)).toEqual({ code: "ui.unknown", message: "undefined" });
    expect(toAppError({ code: 3 }).code).toBe("ui.unknown");
  });
  it("recognises an AppError", () => {
    expect(isAppError({ code: "a", message: "b" })).toBe(true);
    expect(isAppError({ code: "a" })).toBe(false);
    expect(isAppError(null)).toBe(false);
  });
});

describe("fileName", () => {
  it("takes the last part of POSIX and Windows paths", () => {
    expect(fileName("/home/me/calls/a.mp3")).toBe("a.mp3");
    expect(fileName("C:\\calls\\b.wav")).toBe("b.wav");
    expect(fileName("/calls/dir/")).toBe("dir");
    expect(fileName("plain.m4a")).toBe("plain.m4a");
  });
});
