import { serve } from './serve.js';
import { devCommand } from './dev-command.js';
import { formatCliError } from './print-error.js';
import { listPlugins } from './plugins-command.js';
import { validateCommand } from './validate-command.js';
import { printCrds } from './crds.js';

const USAGE = `usage: zen-watcher [command]

commands:
  (none), run          start the host (local mode when no cluster is reachable)
  plugins [--json]     list the discovered plugins (name, kind, version, package)
  validate <file>...   check Ingester manifests offline (CRD schema, spec, plugin config)
  crds                 print the CRDs (pipe to kubectl apply -f -)
  dev --plugin <dir>   run a plugin under development in local mode; rebuild and restart on change
                       [--config <file.yaml>] (default <dir>/dev.yaml) [--no-build] [--no-watch]
  help                 this text

configuration: environment variables (see docs/configuration.md) and ZW_CONFIG=<file.yaml>`;

/**
 * The `zen-watcher` command. Returns an exit code for one-shot commands, or undefined when the
 * host keeps running until a signal.
 */
export async function runCli(argv: string[]): Promise<number | undefined> {
  const [command = 'run', ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        await serve(process.env);
        return undefined;
      case 'plugins':
        return await listPlugins(process.env, rest);
      case 'validate':
        return await validateCommand(process.env, rest);
      case 'crds':
        return printCrds();
      case 'dev':
        return await devCommand(process.env, rest);
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      default:
        process.stderr.write(`zen-watcher: unknown command "${command}"\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    process.stderr.write(formatCliError(err));
    return 1;
  }
}
