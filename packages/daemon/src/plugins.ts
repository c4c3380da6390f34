import type { ContainerModule } from 'inversify';
import type { Logger } from 'pino';

/** Discovery plugins shipped with Plexus, loaded unless the daemon is told otherwise. */
export const BUILTIN_PLUGINS = [
  '@plexus/discovery-static',
  '@plexus/discovery-dns',
  '@plexus/discovery-cloudmap',
  '@plexus/discovery-ecs', // ecs and fargate
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

/** Node's refusals of TypeScript it will not strip: inside node_modules, or syntax beyond type annotations. */
const TYPESCRIPT_REFUSED = new Set([
  'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING',
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
]);

/**
 * Imports a plugin package. Node strips types only outside node_modules, so a plugin installed from a registry
 * as TypeScript source is retried through tsx's loader when tsx is installed.
 */
async function importPackage(pkg: string): Promise<Record<string, unknown>> {
  try {
    return await import(pkg);
  } catch (err) {
    if (!TYPESCRIPT_REFUSED.has((err as { code?: string }).code ?? '')) throw err;
    const tsx = await import('tsx/esm/api').catch(() => undefined);
    if (!tsx) throw new Error(`${(err as Error).message} (install tsx, or publish the plugin as JavaScript)`);
    tsx.register();
    return import(pkg);
  }
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
      importPackage(pkg).then(
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
