import type { SourceFile } from '@plexus/spec';
import type { Findings } from '../model/diagnostics.ts';
import { mergeValues, parseValuesFile, type StackValues, VALUES_FILE, type Values } from './values-file.ts';

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function inside(dir: string, path: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

/**
 * The values files of a load: each applies to the files in its directory and below, a deeper one over a
 * shallower one, and the command line's `--values` over all of them.
 */
export class ValuesScope {
  private readonly files: Array<{ dir: string; file: string; values: Values }> = [];
  private readonly overrides: Values[];

  constructor(valueFiles: readonly SourceFile[], overrides: readonly Values[], findings: Findings) {
    for (const f of valueFiles)
      this.files.push({ dir: dirOf(f.path), file: f.path, values: parseValuesFile(f, findings) });
    this.files.sort((a, b) => a.dir.split('/').length - b.dir.split('/').length || (a.dir < b.dir ? -1 : 1));
    this.overrides = [...overrides];
  }

  static isValuesFile(path: string): boolean {
    return VALUES_FILE.test(path);
  }

  /** Values for a file at `path`; `stackKeys` select `stacks:` sections (template paths relative to each file, stack names). */
  forFile(path: string, stackKeys: (valuesDir: string) => string[]): Values {
    const layers: Values[] = [];
    const all = [
      ...this.files.filter((f) => inside(f.dir, path)).map((f) => ({ dir: f.dir, values: f.values })),
      ...this.overrides.map((values) => ({ dir: '', values })),
    ];
    for (const { dir, values } of all) {
      layers.push(values);
      for (const key of stackKeys(dir)) {
        const stack = values.stacks.get(key);
        if (stack) layers.push(stackLayer(stack));
      }
    }
    return mergeValues(layers);
  }

  /** The stack name a values file gives the template (`stacks.<path>.stackName`), if any. */
  stackName(path: string, stackKeys: (valuesDir: string) => string[]): string | undefined {
    let name: string | undefined;
    const all = [
      ...this.files.filter((f) => inside(f.dir, path)),
      ...this.overrides.map((values) => ({ dir: '', values })),
    ];
    for (const { dir, values } of all) {
      for (const key of stackKeys(dir)) {
        const s = values.stacks.get(key);
        if (s?.stackName) name = String(s.stackName.value.kind === 'scalar' ? s.stackName.value.value : '');
      }
    }
    return name;
  }
}

function stackLayer(s: StackValues): Values {
  return {
    parameters: s.parameters,
    exports: new Map(),
    resources: s.resources,
    ssmParameters: new Map(),
    stacks: new Map(),
    terraformVariables: new Map(),
    terraformResources: new Map(),
  };
}

/** Keys a template's `stacks:` section may have in a values file at `valuesDir`: its relative path, its stem. */
export function templateStackKeys(templatePath: string): (valuesDir: string) => string[] {
  return (valuesDir) => {
    const rel =
      valuesDir && templatePath.startsWith(`${valuesDir}/`)
        ? templatePath.slice(valuesDir.length + 1)
        : templatePath;
    return [rel, stemOf(baseOf(templatePath))];
  };
}

/** `mesh.yaml` → `mesh`, `app.template.json` → `app`. */
export function stemOf(name: string): string {
  return name.replace(/\.(ya?ml|json|template)$/i, '').replace(/\.template$/i, '');
}
