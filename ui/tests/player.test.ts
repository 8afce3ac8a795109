// The call view's player against a fake shell: commands in order, a failed play reported and undone.
import { beforeEach, describe, expect, it, vi } from "vitest";

const calls: string[] = [];
let playFails: { code: string; message: string } | null = null;

vi.mock("../src/api", () => ({
  toAppError: (e: unknown) => e,
  playerOpen: async (recordingId: number, fromMs: number) => void calls.push(`open ${recordingId} ${fromMs}`),
  playerPlay: async () => {
    // The shell takes its time: a command sent after this one must still come after it.
    await new Promise((r) => setTimeout(r, 5));
    if (playFails) throw playFails;
    calls.push("play");
  },
  playerPause: async () => void calls.push("pause"),
  playerSeek: async (ms: number) => {
    await new Promise((r) => setTimeout(r, 5));
    calls.push(`seek ${ms}`);
  },
  playerClose: async () => void calls.push("close"),
  playerSetSpeed: async (speed: number) => void calls.push(`speed ${speed}`),
  playerSetSkipSilence: async () => undefined,
  playerSetChannel: async () => undefined,
}));

const { PlayerController } = await import("../src/lib/player.svelte");

const settle = () => new Promise((r) => setTimeout(r, 30));

beforeEach(() => {
  calls.length = 0;
  playFails = null;
});

describe("PlayerController", () => {
  it("sends commands in the order they were given, even when one is slow", async () => {
    const p = new PlayerController(() => undefined);
    await p.open(7, 60_000, 0);
    p.playFrom(12_000);
    p.setSpeed(1.5);
    p.pause();
    p.close();
    await settle();
    expect(calls).toEqual(["open 7 0", "seek 12000", "play", "speed 1.5", "pause", "close"]);
  });

  it("reports a play the shell refused, and shows the player paused", async () => {
    playFails = { code: "player.device", message: "The output stopped" };
    const errors: unknown[] = [];
    const p = new PlayerController((e) => errors.push(e));
    await p.open(7, 60_000, 0);
    p.play();
    expect(p.playing).toBe(true);
    await settle();
    expect(p.playing).toBe(false);
    expect(errors).toEqual([playFails]);
  });
});
