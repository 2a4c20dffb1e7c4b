#!/usr/bin/env node
/**
 * create-zen-watcher-plugin: `npm create zen-watcher-plugin <dir> -- --kind webhook|informer`
 * writes a zen-watcher source plugin package, ready to build, test and run.
 */
import { relative } from 'node:path';
import { USAGE, UsageError, readOptions } from './options.js';
import { scaffold } from './scaffold.js';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = await readOptions(argv);
  scaffold(options);
  const where = relative(process.cwd(), options.dir) || '.';
  const sample = options.kind === 'webhook' ? 'sample-delivery.json' : 'sample-configmap.json';
  const lines = [
    `Created ${where}: the ${options.kind} plugin "${options.pluginName}" (package ${options.packageName}).`,
    '',
    `  cd ${where}`,
    '  npm install',
    '  npm test             # vitest on test/fixtures, through @zen-watcher/sdk/testing',
    '  npm run dev          # the host in local mode on http://127.0.0.1:8080, rebuilt on every change',
  ];
  if (options.kind === 'webhook') {
    lines.push(`  curl -X POST http://127.0.0.1:8080/ingest/${options.pluginName} -H 'content-type: application/json' --data-binary @test/fixtures/${sample}`);
  } else {
    lines.push('', 'An informer plugin receives events only in cluster mode: local mode has nothing to watch.');
  }
  lines.push('', 'README.md is the page operators read: fill it in as you go.');
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`create-zen-watcher-plugin: ${err.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`create-zen-watcher-plugin: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
