import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';

/** Build output, dependencies, data and tests: changes there do not change what the host runs. */
const IGNORED_DIRS = new Set(['node_modules', 'dist', 'data', 'coverage', 'test', 'tests']);
/** At the top of the package only code and config are inputs of the build (not logs, not output). */
const TOP_LEVEL_INPUT = /\.(m?[jt]s|json|ya?ml)$/;
/** Files build tools write beside their config for a moment (tsup's `tsup.config.bundled_<id>.mjs`). */
const TRANSIENT = /\.bundled_|\.timestamp-|^\./;

/**
 * Calls `onChange` with the path of an edited file of a package, at most once per quiet
 * `debounceMs` (a save often writes several files). Watched: the code and config files at the
 * top of the package (the directory itself is watched, so files replaced by rename, as editors
 * save, are seen), and every subdirectory but build output, data, tests and node_modules,
 * recursively (watching node_modules would cost thousands of inotify watches for nothing).
 * Files in `skip` (the host's output file) are not edits either.
 */
export function watchPackage(dir: string, onChange: (file: string) => void, options: { skip?: readonly string[]; debounceMs?: number } = {}): { close(): void } {
  const watchers: FSWatcher[] = [];
  const skip = new Set((options.skip ?? []).map((f) => resolve(dir, f)));
  const debounceMs = options.debounceMs ?? 200;
  let timer: NodeJS.Timeout | undefined;
  const changed = (file: string) => {
    if (skip.has(resolve(dir, file))) return;
    clearTimeout(timer);
    timer = setTimeout(() => onChange(file), debounceMs);
  };
  watchers.push(
    watch(dir, (_event, name) => {
      if (name && TOP_LEVEL_INPUT.test(name.toString()) && !TRANSIENT.test(name.toString())) changed(name.toString());
    }),
  );
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || IGNORED_DIRS.has(entry.name)) continue;
    watchers.push(watch(join(dir, entry.name), { recursive: true }, (_event, name) => changed(join(entry.name, name?.toString() ?? ''))));
  }
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
