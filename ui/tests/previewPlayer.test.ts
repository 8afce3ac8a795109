// The preview controller against a fake player: commands in order, clip after clip.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PlayerEvent } from "../src/api/bindings/PlayerEvent";

const calls: string[] = [];
let listeners: ((e: PlayerEvent) => void)[] = [];
let openFails: { code: string; message: string } | null = null;

vi.mock("../src/api", () => ({
  toAppError: (e: unknown) => e,
  playerOpen: async (recordingId: number, fromMs: number, toMs: number | null, onEvent: (e: PlayerEvent) => void) => {
    calls.push(`open ${recordingId} ${fromMs}-${toMs}`);
    if (openFails) throw openFails;
    listeners.push(onEvent);
    return { durationMs: 60_000, deviceRate: 48_000, deviceChannels: 2 };
  },
  playerPlay: async () => void calls.push("play"),
  playerClose: async () => void calls.push("close"),
}));

const { PreviewPlayer } = await import("../src/lib/previewPlayer.svelte");

const clips = [
  { recordingId: 1, startMs: 0, endMs: 10_000 },
  { recordingId: 2, startMs: 5_000, endMs: 20_000 },
];

/** Lets queued promises settle. */
const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  calls.length = 0;
  listeners = [];
  openFails = null;
});

describe("PreviewPlayer", () => {
  it("plays the clips one after the other, then closes", async () => {
    const errors: unknown[] = [];
    const p = new PreviewPlayer(() => clips, (e) => errors.push(e));
    p.start();
    await settle();
    expect(calls).toEqual(["open 1 0-10000", "play"]);
    expect(p.index).toBe(0);
    listeners[0]({ type: "position", ms: 4_000 });
    expect(p.state.positionMs).toBe(4_000);
    listeners[0]({ type: "ended" });
    await settle();
    expect(calls).toEqual(["open 1 0-10000", "play", "open 2 5000-20000", "play"]);
    expect(p.index).toBe(1);
    // A late event of the first clip changes nothing.
    listeners[0]({ type: "ended" });
    await settle();
    expect(p.index).toBe(1);
    listeners[1]({ type: "ended" });
    await settle();
    expect(calls.at(-1)).toBe("close");
    expect(p.running).toBe(false);
    expect(errors).toEqual([]);
  });

  it("stop closes the player", async () => {
    const p = new PreviewPlayer(() => clips, () => undefined);
    p.start(1);
    await settle();
    p.stop();
    await settle();
    expect(calls).toEqual(["open 2 5000-20000", "play", "close"]);
    expect(p.index).toBeNull();
  });

  it("without an audio device, reports it and stops", async () => {
    openFails = { code: "player.no_device", message: "No audio output device was found" };
    const errors: unknown[] = [];
    const p = new PreviewPlayer(() => clips, (e) => errors.push(e));
    p.start();
    await settle();
    expect(errors).toEqual([openFails]);
    expect(p.running).toBe(false);
    expect(calls).not.toContain("play");
  });

  it("does nothing for an empty reel", async () => {
    const p = new PreviewPlayer(() => [], () => undefined);
    p.toggle();
    await settle();
    expect(calls).toEqual([]);
    expect(p.running).toBe(false);
  });
});
