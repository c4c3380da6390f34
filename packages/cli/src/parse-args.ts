export class UsageError extends Error {}

export interface ParsedArgs {
  flags: Set<string>;
  /** The last value of each option. */
  options: Map<string, string>;
  /** Every value of each option, in order (for options that may repeat, like --plugin). */
  repeated: Map<string, string[]>;
  positionals: string[];
}

/**
 * Parses `--flag`, `--option value` and `--option=value`; anything else not starting with `-` is positional.
 * Unknown names are usage errors.
 */
export function parseArgs(
  argv: string[],
  spec: { flags?: readonly string[]; options?: Readonly<Record<string, readonly string[]>> },
): ParsedArgs {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const repeated = new Map<string, string[]>();
  const positionals: string[] = [];
  const known = spec.options ?? {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (spec.flags?.includes(name) && eq === -1) {
      flags.add(name);
      continue;
    }
    const allowed = known[name];
    if (!allowed) throw new UsageError(`unknown option '${name}'`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`${name} needs a value (${allowed.join('|')})`);
    if (allowed.length > 0 && !allowed.includes(value)) {
      throw new UsageError(`${name} must be one of ${allowed.join(', ')} (got '${value}')`);
    }
    options.set(name, value);
    repeated.set(name, [...(repeated.get(name) ?? []), value]);
  }
  return { flags, options, repeated, positionals };
}
