// File paths as the shell reports them (POSIX or Windows separators).

/** The last part of a path: what a person recognises a file by. */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== "");
  return parts[parts.length - 1] ?? path;
}
