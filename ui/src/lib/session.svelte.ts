// Who is using the app: the library's current person (`people_current`), not a per-machine
// setting. Every command acts as that person; the core decides what they may see (a rep only
// their own calls, the coach's notes only after the reveal), so the UI never hides anything
// itself. "Rep mode" is simply the current person's role.

import { peopleCurrent, peopleIntroduce, peopleList, peopleSwitch } from "../api";
import type { Person } from "../api/bindings/Person";
import type { Role } from "../api/bindings/Role";

const state = $state<{ person: Person | null; people: Person[]; loaded: boolean }>({
  person: null,
  people: [],
  loaded: false,
});

export const session = {
  /** Null until somebody was introduced (the first-run form asks). */
  get person(): Person | null {
    return state.person;
  },
  /** Everyone the library knows, for the switcher and the next-step owner. */
  get people(): Person[] {
    return state.people;
  },
  /** `people_current` has answered. */
  get loaded(): boolean {
    return state.loaded;
  },
  get role(): Role {
    return state.person?.role ?? "coach";
  },
  get name(): string {
    return state.person?.name ?? "";
  },
  get id(): string | null {
    return state.person?.id ?? null;
  },

  /** Reads the current person and everyone else; rejects as the commands do. */
  async load(): Promise<void> {
    const [person, people] = await Promise.all([peopleCurrent(), peopleList()]);
    state.person = person;
    state.people = people;
    state.loaded = true;
  },

  /** Adds the person if new and makes them current. */
  async introduce(name: string, role: Role): Promise<Person> {
    const person = await peopleIntroduce(name, role);
    state.person = person;
    state.people = await peopleList();
    return person;
  },

  /** Reads everyone again (a person added elsewhere, e.g. by the CLI, shows up). */
  async refreshPeople(): Promise<void> {
    state.people = await peopleList();
  },

  /** Makes someone already known current. */
  async switchTo(name: string): Promise<Person> {
    const person = await peopleSwitch(name);
    state.person = person;
    return person;
  },
};
