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
  it("wraps anything else as app.internal, also a code no Rust enum knows", () => {
    expect(toAppError("boom")).toEqual({ code: "app.internal", message: "boom" });
    expect(toAppError(new Error("bad"))).toEqual({ code: "app.internal", message: "bad" });
    expect(toAppError(undefined)).toEqual({ code: "app.internal", message: "undefined" });
    expect(toAppError({ code: 3 }).code).toBe("app.internal");
    expect(toAppError({ code: "made.up", message: "x" })).toEqual({ code: "app.internal", message: "x" });
  });
  it("recognises an AppError", () => {
    expect(isAppError({ code: "reel.empty", message: "b" })).toBe(true);
    expect(isAppError({ code: "a", message: "b" })).toBe(false);
    expect(isAppError({ code: "reel.empty" })).toBe(false);
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
