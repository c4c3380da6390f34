/** The `plexus` command: dispatches to one module per subcommand under ./commands. */
export interface Command {
  /** One line for `plexus --help`. */
  summary: string;
  usage: string;
  /** Returns the exit code (0 ok, 1 failure, 2 usage). */
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  validate: () => import('./commands/validate.ts'),
  graph: () => import('./commands/graph.ts'),
  'config-dump': () => import('./commands/config-dump.ts'),
  run: () => import('./commands/run.ts'),
  status: () => import('./commands/status.ts'),
  bootstrap: () => import('./commands/bootstrap.ts'),
  inject: () => import('./commands/inject.ts'),
  token: () => import('./commands/token.ts'),
  login: () => import('./commands/login.ts'),
  import: () => import('./commands/import.ts'),
  plan: () => import('./commands/plan.ts'),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = ['usage: plexus <command> [options]', '', 'commands:'];
    for (const [cmd, load] of Object.entries(COMMANDS)) {
      const { command } = await load();
      lines.push(`  ${cmd.padEnd(12)} ${command.summary}`);
    }
    lines.push('', 'Run `plexus <command> --help` for its options.');
    console.log(lines.join('\n'));
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`plexus: unknown command '${name}' (try plexus --help)`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  return command.run(rest);
}
