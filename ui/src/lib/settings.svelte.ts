// Settings that stay (per person, in the library): playback speed, skip-silence, channel and
// lead-in, and the library list's sort and filters. Read when the person is known; every change
// is saved a moment later, whole. A failed save is said once and retried with the next change.

import { settingsGet, settingsSave } from "../api";
import type { ListSettings } from "../api/bindings/ListSettings";
import type { Settings } from "../api/bindings/Settings";
import { reportError } from "./errors.svelte";
import type { LibraryState } from "./libraryState.svelte";

export const DEFAULT_SETTINGS: Settings = {
  speed: 1,
  skipSilence: false,
  channel: "mix",
  leadInMs: 3000,
  list: {
    sort: "date",
    descending: true,
    search: "",
    rep: "",
    sinceDate: "",
    untilDate: "",
    kind: null,
    unreviewedOnly: false,
    outcome: null,
    tag: "",
    talkAbove: 0,
    hideOneSided: false,
    minSeconds: 0,
    selected: 0,
    scrollTop: 0,
  },
};

/** How long after the last change the settings are saved. */
const SAVE_AFTER_MS = 400;

/** The library list's part of the settings, from the list's state. */
export function listSettingsOf(st: LibraryState): ListSettings {
  return {
    sort: st.sort,
    descending: st.descending,
    search: st.search,
    rep: st.rep,
    sinceDate: st.sinceDate,
    untilDate: st.untilDate,
    kind: st.kind === "" ? null : st.kind,
    unreviewedOnly: st.unreviewedOnly,
    outcome: st.outcome === "" ? null : st.outcome,
    tag: st.tag,
    talkAbove: Number.isFinite(st.talkAbove) ? Math.min(100, Math.max(0, Math.round(st.talkAbove))) : 0,
    hideOneSided: st.hideOneSided,
    minSeconds: Number.isFinite(st.minSeconds) && st.minSeconds > 0 ? Math.round(st.minSeconds) : 0,
    selected: Math.max(0, Math.round(st.selected)),
    scrollTop: Math.max(0, Math.round(st.scrollTop)),
  };
}

/** Puts saved list settings into the list's state, its place included. */
export function applyListSettings(st: LibraryState, l: ListSettings): void {
  st.sort = l.sort;
  st.descending = l.descending;
  st.searchText = l.search;
  st.search = l.search;
  st.rep = l.rep;
  st.sinceDate = l.sinceDate;
  st.untilDate = l.untilDate;
  st.kind = l.kind ?? "";
  st.unreviewedOnly = l.unreviewedOnly;
  st.outcome = l.outcome ?? "";
  st.tag = l.tag;
  st.talkAbove = l.talkAbove;
  st.hideOneSided = l.hideOneSided;
  st.minSeconds = l.minSeconds;
  st.selected = l.selected;
  st.scrollTop = l.scrollTop;
}

class SettingsStore {
  current = $state<Settings>(structuredClone(DEFAULT_SETTINGS));
  loaded = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failed = false;

  /** Reads the current person's settings (after a switch of person, too). */
  async load(): Promise<Settings> {
    clearTimeout(this.#timer);
    this.current = await settingsGet();
    this.loaded = true;
    return this.current;
  }

  /** Changes some settings; saved shortly after the last change. */
  update(patch: Partial<Settings>): void {
    const next = { ...this.current, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    if (!this.loaded) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#save(), SAVE_AFTER_MS);
  }

  async #save(): Promise<void> {
    try {
      this.current = await settingsSave($state.snapshot(this.current));
      this.#failed = false;
    } catch (e) {
      if (!this.#failed) reportError(e, "Could not save your settings");
      this.#failed = true;
    }
  }
}

export const settings = new SettingsStore();
