// The player's command queue: one command at a time, in order, failures reported and survived.
import { describe, expect, it } from "vitest";
import { PlayerQueue } from "../src/lib/playerQueue";

/** A command that waits until `finish` (or `fail`) is called; `log` shows when it starts and ends. */
function command(name: string, log: string[]) {
  let finish!: () => void;
  let fail!: (e: unknown) => void;
  const run = () =>
    new Promise<string>((resolve, reject) => {
      log.push(`start ${name}`);
      finish = () => {
        log.push(`end ${name}`);
        resolve(name);
      };
      fail = (e) => {
        log.push(`fail ${name}`);
        reject(e);
      };
    });
  return { run, finish: () => finish(), fail: (e: unknown) => fail(e) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("PlayerQueue", () => {
  it("starts a command only once the one before it is over", async () => {
    const log: string[] = [];
    const q = new PlayerQueue(() => undefined);
    const seek = command("seek", log);
    const play = command("play", log);
    void q.send(seek.run);
    void q.send(play.run);
    await settle();
    expect(log).toEqual(["start seek"]);
    seek.finish();
    await settle();
    expect(log).toEqual(["start seek", "end seek", "start play"]);
    play.finish();
    await settle();
    expect(log.at(-1)).toBe("end play");
  });

  it("sends every command, none merged or skipped", async () => {
    const sent: number[] = [];
    const q = new PlayerQueue(() => undefined);
    for (const ms of [1000, 2000, 3000]) void q.send(async () => void sent.push(ms));
    await q.send(async () => undefined);
    expect(sent).toEqual([1000, 2000, 3000]);
  });

  it("send reports a failure (after onFail) and goes on with the next command", async () => {
    const log: string[] = [];
    const q = new PlayerQueue((e) => log.push(`error ${String(e)}`));
    const play = command("play", log);
    const done = q.send(play.run, () => log.push("onFail"));
    void q.send(async () => void log.push("pause"));
    await settle();
    play.fail("no device");
    await expect(done).resolves.toBeUndefined();
    await settle();
    expect(log).toEqual(["start play", "fail play", "onFail", "error no device", "pause"]);
  });

  it("run gives the command's own result or failure to its caller, not to onError", async () => {
    const errors: unknown[] = [];
    const q = new PlayerQueue((e) => errors.push(e));
    await expect(q.run(async () => 42)).resolves.toBe(42);
    await expect(
      q.run(async () => {
        throw new Error("open failed");
      }),
    ).rejects.toThrow("open failed");
    // The queue still runs what comes after a failure.
    await expect(q.run(async () => "next")).resolves.toBe("next");
    expect(errors).toEqual([]);
  });

  it("keeps one order across run and send", async () => {
    const log: string[] = [];
    const q = new PlayerQueue(() => undefined);
    const open = command("open", log);
    const opened = q.run(open.run);
    void q.send(async () => void log.push("close"));
    await settle();
    expect(log).toEqual(["start open"]);
    open.finish();
    await opened;
    await settle();
    expect(log).toEqual(["start open", "end open", "close"]);
  });
});
