// The views' undo stack: most recent first, each change undone once, failures reported and kept.
import { describe, expect, it } from "vitest";
import { UndoStack, type UndoEntry } from "../src/lib/undo.svelte";

function setup() {
  const done: string[] = [];
  const reports: [unknown, string][] = [];
  const stack = new UndoStack((e, failure) => reports.push([e, failure]));
  const entry = (name: string, run: () => Promise<void> = async () => void done.push(name)): UndoEntry => ({
    label: `${name} deleted`,
    failure: `Could not restore ${name}`,
    undo: run,
  });
  return { stack, done, reports, entry };
}

/** A promise and the functions that settle it. */
function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("UndoStack", () => {
  it("undoes the most recent change first, each once", async () => {
    const { stack, done, entry } = setup();
    stack.push(entry("a"));
    stack.push(entry("b"));
    stack.push(entry("c"));
    expect(await stack.undo()).toBe(true);
    expect(await stack.undo()).toBe(true);
    expect(await stack.undo()).toBe(true);
    expect(await stack.undo()).toBe(false);
    expect(done).toEqual(["c", "b", "a"]);
    expect(stack.canUndo).toBe(false);
  });

  it("does nothing when there is nothing to undo", async () => {
    const { stack, reports } = setup();
    expect(stack.canUndo).toBe(false);
    expect(await stack.undo()).toBe(false);
    expect(stack.toast).toBeNull();
    expect(reports).toEqual([]);
  });

  it("reports a failed undo and keeps its entry for another try", async () => {
    const { stack, done, reports, entry } = setup();
    const problem = { code: "library.not_found", message: "gone" };
    let fails = true;
    stack.push(entry("a"));
    stack.push(
      entry("b", async () => {
        if (fails) throw problem;
        done.push("b");
      }),
    );
    expect(await stack.undo()).toBe(false);
    expect(reports).toEqual([[problem, "Could not restore b"]]);
    expect(stack.canUndo).toBe(true);
    // The toast still offers Undo, and the next try runs the same change, not the one before it.
    expect(stack.toast).toEqual({ message: "b deleted", undoable: true });
    fails = false;
    expect(await stack.undo()).toBe(true);
    expect(done).toEqual(["b"]);
    expect(stack.toast).toBeNull();
  });

  it("runs one undo at a time: a second press meanwhile is ignored", async () => {
    const { stack, done, entry } = setup();
    const gate = deferred();
    let runs = 0;
    stack.push(entry("a"));
    stack.push(
      entry("b", async () => {
        runs++;
        await gate.promise;
        done.push("b");
      }),
    );
    const first = stack.undo();
    expect(await stack.undo()).toBe(false);
    gate.resolve();
    expect(await first).toBe(true);
    expect(runs).toBe(1);
    expect(done).toEqual(["b"]);
    // Once it is over, the next press undoes the change before.
    expect(await stack.undo()).toBe(true);
    expect(done).toEqual(["b", "a"]);
  });

  it("shows the last change in the toast and hides it once undone", async () => {
    const { stack, entry } = setup();
    stack.push(entry("a"));
    expect(stack.toast).toEqual({ message: "a deleted", undoable: true });
    stack.dismiss();
    expect(stack.toast).toBeNull();
    // Dismissing the toast does not forget the change.
    expect(stack.canUndo).toBe(true);
    stack.push(entry("b"));
    await stack.undo();
    expect(stack.toast).toBeNull();
    expect(stack.canUndo).toBe(true);
  });

  it("says a change that cannot be undone without Undo, and keeps the earlier ones", async () => {
    const { stack, done, entry } = setup();
    stack.push(entry("a"));
    stack.say("Clip 2 removed");
    expect(stack.toast).toEqual({ message: "Clip 2 removed", undoable: false });
    expect(await stack.undo()).toBe(true);
    expect(done).toEqual(["a"]);
  });

  it("keeps the toast and the entry of a change made while an undo runs", async () => {
    const { stack, done, entry } = setup();
    const gate = deferred();
    stack.push(
      entry("a", async () => {
        await gate.promise;
        done.push("a");
      }),
    );
    const running = stack.undo();
    stack.push(entry("b"));
    gate.resolve();
    expect(await running).toBe(true);
    expect(stack.toast).toEqual({ message: "b deleted", undoable: true });
    expect(await stack.undo()).toBe(true);
    expect(done).toEqual(["a", "b"]);
    expect(stack.canUndo).toBe(false);
  });
});
