// The review queue walks the list as the shell lists it now.
import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({
  invoke: (cmd: string, args?: unknown) => invoke(cmd, args),
  Channel: class {},
}));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: () => ({}) }));

const { neighbour } = await import("../src/lib/queue");

/** A shell whose list is `ids`, in order. */
function listing(ids: number[]) {
  invoke.mockImplementation((_cmd: string, args: { query: { offset: number; limit: number } }) => {
    const { offset, limit } = args.query;
    const rows = ids.slice(offset, offset + limit).map((id) => ({ id }));
    return Promise.resolve({ rows, total: ids.length });
  });
}

beforeEach(() => {
  invoke.mockReset();
});

describe("review queue", () => {
  it("steps through the list in its order, and stops at both ends", async () => {
    listing([7, 3, 9]);
    expect(await neighbour({ sort: "date" }, 3, 1, 1)).toEqual({ id: 9, index: 2 });
    expect(await neighbour({ sort: "date" }, 3, 1, -1)).toEqual({ id: 7, index: 0 });
    expect(await neighbour({ sort: "date" }, 9, 2, 1)).toBeNull();
    expect(await neighbour({ sort: "date" }, 7, 0, -1)).toBeNull();
    expect(invoke.mock.calls[0][1].query).toMatchObject({ sort: "date", offset: 1, limit: 1 });
  });

  it("a call that left the list (reviewed, under Unreviewed only) is followed by the one now in its place", async () => {
    listing([7, 9]); // 3 was at index 1 and is gone
    expect(await neighbour({ unreviewedOnly: true }, 3, 1, 1)).toEqual({ id: 9, index: 1 });
  });
});
