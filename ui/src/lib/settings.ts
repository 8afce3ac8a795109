// Who is using the app: a role (coach marks calls, rep replays them) and a display name per
// role, kept in localStorage. The name becomes the author of notes, replies and reviews.

export type Role = "coach" | "rep";

export interface Settings {
  role: Role;
  names: Record<Role, string>;
}

export const SETTINGS_KEY = "gamefilm.settings.v1";

export function defaultName(role: Role): string {
  return role === "coach" ? "Coach" : "Rep";
}

export function defaultSettings(): Settings {
  return { role: "coach", names: { coach: defaultName("coach"), rep: defaultName("rep") } };
}

function cleanName(value: unknown, role: Role): string {
  return typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, 80) : defaultName(role);
}

/** Reads settings, falling back to the defaults for anything missing or malformed. */
export function loadSettings(storage: Pick<Storage, "getItem"> | null): Settings {
  const defaults = defaultSettings();
  let raw: unknown = null;
  try {
    raw = JSON.parse(storage?.getItem(SETTINGS_KEY) ?? "null");
  } catch {
    // A corrupt entry (hand-edited, truncated) is not worth an error banner: start from defaults.
    return defaults;
  }
  if (typeof raw !== "object" || raw === null) return defaults;
  const r = raw as { role?: unknown; names?: Partial<Record<Role, unknown>> };
  const role: Role = r.role === "rep" ? "rep" : "coach";
  return {
    role,
    names: { coach: cleanName(r.names?.coach, "coach"), rep: cleanName(r.names?.rep, "rep") },
  };
}

export function saveSettings(storage: Pick<Storage, "setItem"> | null, s: Settings): void {
  storage?.setItem(SETTINGS_KEY, JSON.stringify(s));
}

/** The display name in use: the one set for the role, else the role's default. */
export function currentName(s: Settings): string {
  return cleanName(s.names[s.role], s.role);
}
