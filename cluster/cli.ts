/**
 * `sigmatiq-cluster`: the cluster service's command line and composition root.
 * Commands are added by the cluster issues (serve, worker, token create).
 */
import { readFileSync } from 'node:fs';

const USAGE = `usage: sigmatiq-cluster <command> [options]

commands:
  serve          run the admin API (and workers) on a datastore
  worker         run a worker-only node
  token create   add an API token to a tokens file
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === '--version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  process.stderr.write(`sigmatiq-cluster: '${command}' is not available yet.\n\n${USAGE}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
