import type { ContainerModule } from 'inversify';
import type { Logger } from 'pino';

/** Discovery plugins shipped with Plexus, loaded unless the daemon is told otherwise. */
export const BUILTIN_PLUGINS = [
  '@plexus/discovery-static',
  '@plexus/discovery-dns',
  '@plexus/discovery-cloudmap',
  '@plexus/discovery-ecs',
  '@plexus/discovery-fargate',
  '@plexus/discovery-ec2',
  '@plexus/discovery-eks',
];

function isContainerModule(v: unknown): v is ContainerModule {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { load?: unknown }).load === 'function' &&
    typeof (v as { id?: unknown }).id === 'number'
  );
}

/** The ContainerModules a package exports (default export first, then named ones). */
export function containerModulesOf(mod: Record<string, unknown>): ContainerModule[] {
  const values = [
    mod.default,
    ...Object.entries(mod)
      .filter(([k]) => k !== 'default')
      .map(([, v]) => v),
  ];
  return [...new Set(values.filter(isContainerModule))];
}

/**
 * Imports each plugin package and returns its ContainerModules. A package named explicitly (`--plugin`) must
 * load and export one; a built-in that does not is skipped with a warning.
 */
export async function importPluginModules(
  builtins: string[],
  extra: string[],
  log: Logger,
): Promise<ContainerModule[]> {
  const wanted = [...builtins.map((p) => [p, false] as const), ...extra.map((p) => [p, true] as const)];
  // Imported together: the AWS and Kubernetes SDKs behind some plugins take seconds each to load.
  const loaded = await Promise.all(
    wanted.map(([pkg]) =>
      import(pkg).then(
        (mod: Record<string, unknown>) => ({ mod }),
        (err: Error) => ({ err }),
      ),
    ),
  );
  const out: ContainerModule[] = [];
  wanted.forEach(([pkg, required], i) => {
    const r = loaded[i]!;
    if ('err' in r) {
      if (required) throw new Error(`plugin ${pkg}: cannot import it: ${r.err.message}`);
      log.warn({ plugin: pkg, err: r.err }, 'built-in plugin failed to load; skipped');
      return;
    }
    const modules = containerModulesOf(r.mod);
    if (modules.length === 0) {
      if (required) throw new Error(`plugin ${pkg}: exports no inversify ContainerModule`);
      log.warn({ plugin: pkg }, 'built-in plugin exports no ContainerModule; skipped');
      return;
    }
    log.info({ plugin: pkg }, 'plugin loaded');
    out.push(...modules);
  });
  return out;
}
