/** `sigmatiq-cluster token create|list|revoke`: manage the tokens file. */
import path from 'node:path';
import { Role } from '../../contract/api.ts';
import { addToken, readTokensFile, removeToken } from '../auth/token-file.ts';
import { defaultTokensFile } from './data-paths.ts';
import { describeFlags, parseFlags, UsageError } from './parse-args.ts';
import type { ServeIo } from './serve-command.ts';

const CREATE_FLAGS = {
  role: { type: 'string', describe: 'viewer, operator or admin', valueName: 'ROLE' },
  name: { type: 'string', describe: 'who the token is for, shown in audit records (default: ROLE-<random>)', valueName: 'NAME' },
  tokens: { type: 'string', describe: 'tokens file (default: as serve finds it for --datastore)', valueName: 'FILE' },
  datastore: { type: 'string', describe: 'the datastore serve runs on, to find its default tokens file', default: 'embedded', valueName: 'SPEC' },
} as const;

const LIST_FLAGS = { tokens: CREATE_FLAGS.tokens, datastore: CREATE_FLAGS.datastore } as const;

const REVOKE_FLAGS = {
  name: { type: 'string', describe: 'the token to revoke, as `token list` shows it', valueName: 'NAME' },
  ...LIST_FLAGS,
} as const;

export const TOKEN_USAGE = `usage: sigmatiq-cluster token create --role viewer|operator|admin [--name NAME] [--tokens FILE]
       sigmatiq-cluster token list [--tokens FILE]
       sigmatiq-cluster token revoke --name NAME [--tokens FILE]

create: adds a token to the tokens file and prints it once, on a line "token: <token>";
        only its salted hash is stored. A running serve picks it up within a second.
list:   names, roles and creation times (never the tokens).
revoke: removes the named token; a running serve refuses it within a second.

create options:
${describeFlags(CREATE_FLAGS)}
`;

function resolveFile(flags: { tokens?: string; datastore?: string }): string {
  try {
    return path.resolve(flags.tokens ?? defaultTokensFile(flags.datastore));
  } catch (err) {
    throw new UsageError(`option '--datastore': ${(err as Error).message}`);
  }
}

/** Run `token <sub> …`; returns the exit code. UsageError propagates (exit 2). */
export function runTokenCommand(argv: readonly string[], io: ServeIo): number {
  const [sub, ...rest] = argv;
  if (sub === 'create') {
    const flags = parseFlags(rest, CREATE_FLAGS);
    if (flags.role === undefined) throw new UsageError("option '--role' is required: viewer, operator or admin");
    const role = Role.safeParse(flags.role);
    if (!role.success) throw new UsageError(`option '--role': '${flags.role}' is not a role; use viewer, operator or admin`);
    const file = resolveFile(flags);
    const name = flags.name ?? `${role.data}-${Math.random().toString(36).slice(2, 8)}`;
    const { token } = addToken(file, name, role.data);
    io.out(`token: ${token}`);
    io.err(`created ${role.data} token '${name}' in ${file}; it is shown only this once`);
    return 0;
  }
  if (sub === 'list') {
    const flags = parseFlags(rest, LIST_FLAGS);
    const file = resolveFile(flags);
    const { tokens } = readTokensFile(file);
    if (tokens.length === 0) io.err(`no tokens in ${file}`);
    for (const t of tokens) io.out(`${t.name}\t${t.role}\t${t.createdAt}`);
    return 0;
  }
  if (sub === 'revoke') {
    const flags = parseFlags(rest, REVOKE_FLAGS);
    if (flags.name === undefined) throw new UsageError("option '--name' is required: the token's name, as `token list` shows it");
    const file = resolveFile(flags);
    const record = removeToken(file, flags.name);
    io.err(`revoked ${record.role} token '${record.name}' in ${file}`);
    return 0;
  }
  throw new UsageError(sub ? `unknown token command '${sub}'` : 'token needs a command: create, list or revoke');
}
