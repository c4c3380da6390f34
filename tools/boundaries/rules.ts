/**
 * Who may import whom (DESIGN.md "Boundaries"). One row per package under packages/; every plugin (plugins/*,
 * examples/plugin-*) follows PLUGIN; a package without a row follows NEW_PACKAGE. Rules bind a package's src/;
 * its tests and benches may import any package by name but never another package's files by relative path.
 * test/, bench/, scripts/ and tools/ at the root wire everything together and are not checked.
 */
export interface Rule {
  /** @plexus packages (short names) its src/ may import; '*' for the packages that wire the others. */
  imports: '*' | readonly string[];
  /** Does no I/O: imports no I/O module, and only type-level from a @plexus package that is not pure. */
  pure?: boolean;
}

export const PACKAGES: Record<string, Rule> = {
  spec: { imports: [], pure: true },
  graph: { imports: ['spec'], pure: true },
  translate: { imports: ['spec', 'graph', 'plugin-api'], pure: true },
  'plugin-api': { imports: ['spec'] },
  source: { imports: ['spec'] },
  teams: { imports: ['spec'], pure: true },
  xds: { imports: [] },
  daemon: { imports: '*' },
  cli: { imports: '*' },
  testkit: { imports: '*' },
  console: { imports: ['spec', 'graph', 'translate', 'xds', 'plugin-api', 'telemetry', 'rollout'] },
  ca: { imports: ['graph', 'translate'] },
  api: { imports: ['spec', 'source'] },
  plan: { imports: ['spec', 'graph', 'translate'], pure: true },
  rollout: { imports: ['spec', 'api', 'telemetry'] },
};

/** plugins/* and examples/plugin-*: what a third-party plugin may use. */
export const PLUGIN: Rule = { imports: ['plugin-api', 'spec'] };

/** A package not listed in PACKAGES (a capability added since). */
export const NEW_PACKAGE: Rule = { imports: ['spec', 'graph', 'translate', 'xds', 'plugin-api'] };

/** Node built-ins a pure package may import: computation only. */
export const PURE_BUILTINS: readonly string[] = [
  'crypto',
  'path',
  'url',
  'util',
  'buffer',
  'assert',
  'events',
];

/** Pure functions of otherwise I/O built-ins, importable by name. */
export const PURE_EXPORTS: Record<string, readonly string[]> = { net: ['isIP', 'isIPv4', 'isIPv6'] };

/** npm packages a pure package may import (parsers). */
export const PURE_PACKAGES: readonly string[] = ['yaml', 'js-yaml'];
