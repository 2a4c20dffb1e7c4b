/**
 * The repository's publishable packages, read from the root package.json's `workspaces`, in the
 * order a release packs and publishes them, with the checks a release needs before packing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  workspaces?: string[];
  exports?: unknown;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

export interface WorkspacePackage {
  /** Directory relative to the root, as in `workspaces`. */
  dir: string;
  manifest: Manifest;
}

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'] as const;

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** The workspace directories: `plugins/*` is every directory of plugins/ with a package.json. */
function expand(root: string, pattern: string): string[] {
  if (!pattern.endsWith('/*')) return existsSync(join(root, pattern, 'package.json')) ? [pattern] : [];
  const parent = pattern.slice(0, -2);
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, parent, e.name, 'package.json')))
    .map((e) => `${parent}/${e.name}`)
    .sort();
}

/** Every package of the workspace that is not private. */
export function publishablePackages(root: string): WorkspacePackage[] {
  const dirs = (readManifest(root).workspaces ?? []).flatMap((p) => expand(root, p));
  return dirs.map((dir) => ({ dir, manifest: readManifest(join(root, dir)) })).filter((p) => !p.manifest.private);
}

function internalDeps(pkg: WorkspacePackage, names: Set<string>): { name: string; spec: string; field: string }[] {
  return DEPENDENCY_FIELDS.flatMap((field) => Object.entries(pkg.manifest[field] ?? {}).filter(([name]) => names.has(name)).map(([name, spec]) => ({ name, spec, field })));
}

/**
 * Packages after everything they depend on, devDependencies included: core is built from the
 * bundled plugins, so it comes after them. Ties keep the order of `workspaces`.
 */
export function dependencyOrder(packages: WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(packages.map((p) => [p.manifest.name, p]));
  const names = new Set(byName.keys());
  const done = new Set<string>();
  const visiting: string[] = [];
  const out: WorkspacePackage[] = [];
  const visit = (pkg: WorkspacePackage): void => {
    const name = pkg.manifest.name;
    if (done.has(name)) return;
    if (visiting.includes(name)) throw new Error(`dependency cycle: ${[...visiting.slice(visiting.indexOf(name)), name].join(' -> ')}`);
    visiting.push(name);
    for (const dep of internalDeps(pkg, names)) visit(byName.get(dep.name)!);
    visiting.pop();
    done.add(name);
    out.push(pkg);
  };
  for (const p of packages) visit(p);
  return out;
}

/**
 * What stops a release: an internal dependency whose range the sibling's version does not meet
 * (packages are released in lockstep: `x.y.z`, `^x.y.z` or `~x.y.z` of the current version), and
 * an entry file (`exports` targets, `bin`) that is not built.
 */
export function releaseProblems(root: string, packages: WorkspacePackage[]): string[] {
  const versions = new Map(packages.map((p) => [p.manifest.name, p.manifest.version]));
  const problems: string[] = [];
  for (const pkg of packages) {
    for (const dep of internalDeps(pkg, new Set(versions.keys()))) {
      const version = versions.get(dep.name)!;
      if (![version, `^${version}`, `~${version}`].includes(dep.spec)) {
        problems.push(`${pkg.manifest.name}: ${dep.field} ${dep.name}@${dep.spec} is not met by the workspace's ${dep.name}@${version}`);
      }
    }
    for (const file of entryFiles(pkg.manifest)) {
      if (!existsSync(join(root, pkg.dir, file))) problems.push(`${pkg.manifest.name}: ${file} is missing (run npm run build)`);
    }
  }
  return problems;
}

/** The files `exports` and `bin` point at, without the workspace-only source condition. */
function entryFiles(manifest: Manifest): string[] {
  const files: string[] = [];
  const walk = (node: unknown, key = ''): void => {
    if (typeof node === 'string') {
      if (key !== SOURCE_CONDITION) files.push(node);
    } else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  return [...new Set(files)];
}

/**
 * The export condition the workspace resolves to TypeScript sources with (tsconfig
 * `customConditions`, vitest `resolve.conditions`), so nothing needs a build to be tested. It
 * points at `src/`, which is not published: a release strips it from the manifests.
 */
export const SOURCE_CONDITION = '@zen-watcher/source';

/** The manifest as published: the workspace-only source condition removed from `exports`. */
export function publishedManifest(manifest: Manifest): Manifest {
  const strip = (node: unknown): unknown => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return node;
    return Object.fromEntries(Object.entries(node).filter(([k]) => k !== SOURCE_CONDITION).map(([k, v]) => [k, strip(v)]));
  };
  return { ...manifest, exports: strip(manifest.exports) };
}

/** Files a published package must not hold: tests, test helpers, fixtures, build caches. */
const NOT_PUBLISHED = [/(^|\/)(test|tests|__tests__|test-support|fixtures)\//, /\.test\.(d\.)?[cm]?[jt]s(\.map)?$/, /\.tsbuildinfo$/];

/** The scaffolder's templates are the files of the packages it writes, their tests included. */
const TEMPLATES = /^templates\//;

export function unpublishable(files: string[]): string[] {
  return files.filter((f) => !TEMPLATES.test(f) && NOT_PUBLISHED.some((re) => re.test(f)));
}
