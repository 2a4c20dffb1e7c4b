#!/usr/bin/env node
import { applyHeapDefaults } from './cli/heap-defaults.js';

const argv = process.argv.slice(2);
// Before anything else is loaded: a restart with other heap flags would waste it.
if ((argv[0] ?? 'run') === 'run') applyHeapDefaults();
const { runCli } = await import('./cli/run-cli.js');
const code = await runCli(argv);
if (code !== undefined) process.exitCode = code;
