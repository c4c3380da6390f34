import type { z } from 'zod';

/**
 * The daemon config file's top-level sections, each owned by one capability and validated by its own schema
 * (`xds`, `identity`, `admin` here; `ca`, `api`, `telemetry`, `sources`, `ownership` register theirs the same
 * way). Adding a section is one file that calls `registerConfigSection` and one import in sections/index.ts.
 */
const sections = new Map<string, z.ZodType>();

export function registerConfigSection(name: string, schema: z.ZodType): void {
  if (sections.has(name)) throw new Error(`config section '${name}' registered twice`);
  sections.set(name, schema);
}

export function configSection(name: string): z.ZodType | undefined {
  return sections.get(name);
}

export function configSectionNames(): string[] {
  return [...sections.keys()];
}
