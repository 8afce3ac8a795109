// The current role and display name, persisted in localStorage (see settings.ts).

import { currentName, loadSettings, saveSettings, type Role, type Settings } from "./settings";

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    // Storage can be disabled; the app then works with defaults for this session.
    return null;
  }
}

const settings = $state<Settings>(loadSettings(storage()));

export const session = {
  get role(): Role {
    return settings.role;
  },
  set role(role: Role) {
    settings.role = role;
    saveSettings(storage(), $state.snapshot(settings));
  },
  /** The author of what this user writes. */
  get name(): string {
    return currentName(settings);
  },
  set name(name: string) {
    settings.names[settings.role] = name;
    saveSettings(storage(), $state.snapshot(settings));
  },
};
