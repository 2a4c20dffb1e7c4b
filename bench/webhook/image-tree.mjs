// The runtime tree of the image (Dockerfile: node_modules, and the host's package.json, dist
// and config), laid out in a temporary directory from this checkout's build, so the bench runs
// what a pod runs. Run from the checkout itself, the host would also discover the example
// third-party plugin that the workspace links into node_modules (and load its dependencies),
// which the image leaves out.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Builds the tree once; returns the path of its `core/dist/main.js`. */
export function imageTree(checkout) {
  const root = resolve(checkout);
  const app = mkdtempSync(join(tmpdir(), 'zw-image-'));
  // The workspace that node_modules belongs to (a checkout may borrow another's node_modules).
  const examples = join(dirname(realpathSync(join(root, 'node_modules'))), 'examples');
  const link = (from, to) => {
    // Workspace links to the examples are what the image's build deletes.
    if (!realpathSync(from).startsWith(examples)) symlinkSync(from, to);
  };
  const modules = join(root, 'node_modules');
  mkdirSync(join(app, 'node_modules'));
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    if (!entry.startsWith('@')) {
      link(join(modules, entry), join(app, 'node_modules', entry));
      continue;
    }
    mkdirSync(join(app, 'node_modules', entry));
    for (const pkg of readdirSync(join(modules, entry))) link(join(modules, entry, pkg), join(app, 'node_modules', entry, pkg));
  }
  // Copied, not linked: the host finds its node_modules from where its own files really are.
  for (const part of ['package.json', 'dist', 'config', 'crds']) cpSync(join(root, 'core', part), join(app, 'core', part), { recursive: true });
  cpSync(join(root, 'package.json'), join(app, 'package.json'));
  return join(app, 'core', 'dist', 'main.js');
}
