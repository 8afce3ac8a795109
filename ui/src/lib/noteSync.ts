// Saving one note's edits as they are typed, without a Save button and without losing a word.
//
// A note dropped with P/I exists only in the window until its text is non-empty or it is kept
// (Enter: a marker-only note): the first keystrokes create it in the library (debounced), later
// ones update it (debounced). Calls for
// one note run strictly one after another, so an update never overtakes the create it depends
// on and the library always ends with the last text typed. Dropping a note (Esc) cancels what
// is pending and deletes it if it was created.

import type { Note } from "../api/bindings/Note";
import type { NewNote } from "../api/bindings/NewNote";
import type { NoteKind } from "../api/bindings/NoteKind";
import type { NoteEdit } from "../api/bindings/NoteEdit";

export interface NoteApi {
  create(input: NewNote): Promise<Note>;
  update(id: string, update: NoteEdit): Promise<Note>;
  remove(id: string): Promise<Note>;
}

export interface NoteSyncOptions {
  /** Delay before a new note is first created. */
  createDelayMs?: number;
  /** Delay before an edit of an existing note is saved. */
  updateDelayMs?: number;
  /** Every note the library returns, so the view can show the saved state (and the new id). */
  onSaved: (note: Note) => void;
  onError: (error: unknown) => void;
}

export class NoteSync {
  #api: NoteApi;
  #opts: Required<NoteSyncOptions>;
  #input: NewNote;
  #id: string | null;
  #savedText: string;
  #text: string;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #chain: Promise<unknown> = Promise.resolve();
  #discarded = false;

  /**
   * `existing` is the note when it is already in the library; otherwise `input` describes the
   * note to create once it has text.
   */
  constructor(api: NoteApi, input: NewNote, existing: Note | null, opts: NoteSyncOptions) {
    this.#api = api;
    this.#input = { ...input };
    this.#id = existing?.id ?? null;
    this.#savedText = existing?.text ?? "";
    this.#text = existing?.text ?? input.text;
    this.#opts = { createDelayMs: 300, updateDelayMs: 400, ...opts };
  }

  /** The library id, once the note exists there. */
  get id(): string | null {
    return this.#id;
  }

  get text(): string {
    return this.#text;
  }

  /** Records typed text and schedules saving it. */
  setText(text: string): void {
    if (this.#discarded) return;
    this.#text = text;
    this.#clearTimer();
    const delay = this.#id === null ? this.#opts.createDelayMs : this.#opts.updateDelayMs;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#enqueue(() => this.#saveText());
    }, delay);
  }

  /** Changes the kind: locally while the note is not created yet, else in the library at once. */
  setKind(kind: NoteKind): Promise<void> {
    this.#input.kind = kind;
    return this.#enqueue(async () => {
      if (this.#discarded || this.#id === null) return;
      this.#opts.onSaved(await this.#api.update(this.#id, { kind }));
    });
  }

  /**
   * Moves the note (a point when `endMs` is null): locally while the note is not created yet,
   * else in the library at once.
   */
  setTimes(startMs: number, endMs: number | null): Promise<void> {
    this.#input.startMs = startMs;
    if (endMs === null) delete this.#input.endMs;
    else this.#input.endMs = endMs;
    return this.#enqueue(async () => {
      if (this.#discarded || this.#id === null) return;
      this.#opts.onSaved(await this.#api.update(this.#id, { startMs, endMs }));
    });
  }

  /** Saves what is pending now; resolves when the library has it. */
  flush(): Promise<void> {
    this.#clearTimer();
    return this.#enqueue(() => this.#saveText());
  }

  /**
   * Keeps the note whatever its text: one not created yet is created now, with no text if none
   * was typed (a marker-only note), and pending words are saved.
   */
  commit(): Promise<void> {
    this.#clearTimer();
    return this.#enqueue(() => this.#saveText(true));
  }

  /**
   * Drops the note: nothing more is saved, and a note already created is deleted. Resolves to the
   * deleted note, or null when it never reached the library.
   */
  async discard(): Promise<Note | null> {
    this.#discarded = true;
    this.#clearTimer();
    let deleted: Note | null = null;
    await this.#enqueue(async () => {
      if (this.#id !== null) deleted = await this.#api.remove(this.#id);
    });
    return deleted;
  }

  async #saveText(keepEmpty = false): Promise<void> {
    if (this.#discarded) return;
    const text = this.#text;
    if (this.#id === null) {
      // While typing, a note is created with its first real character; kept (Enter), it is
      // created even without one.
      if (text.trim() === "" && !keepEmpty) return;
      const note = await this.#api.create({ ...this.#input, text });
      this.#id = note.id;
      this.#savedText = note.text;
      this.#opts.onSaved(note);
    } else if (text !== this.#savedText) {
      const note = await this.#api.update(this.#id, { text });
      this.#savedText = text;
      this.#opts.onSaved(note);
    }
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(step).catch((e: unknown) => this.#opts.onError(e));
    this.#chain = run;
    return run;
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
