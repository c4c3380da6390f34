import type { Kind, SpecResource } from '@plexus/spec';

/** One file `plexus import` writes, relative to --out. */
export interface OutputFile {
  path: string;
  content: string;
}

/** A resource that the chosen format cannot carry, and why. */
export interface WriteProblem {
  resource: SpecResource;
  message: string;
}

export interface WriteResult {
  files: OutputFile[];
  problems: WriteProblem[];
}

export const FOLDER: Readonly<Record<Kind, string>> = {
  Mesh: '',
  VirtualNode: 'virtual-nodes',
  VirtualService: 'virtual-services',
  VirtualRouter: 'virtual-routers',
  Route: 'routes',
  VirtualGateway: 'virtual-gateways',
  GatewayRoute: 'gateway-routes',
  AuthPolicy: 'policies',
  TrafficPolicy: 'policies',
  ProxyPatch: 'policies',
  Rollout: 'rollouts',
};

/** A name as a file name: App Mesh names may hold characters a path should not. */
export function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';
}

/** `<mesh>/<folder>/[<parent>/]<name>.<ext>`; the mesh itself is `<mesh>/mesh.<ext>`. */
export function resourcePath(r: SpecResource, ext: string): string {
  const mesh = fileName(r.mesh);
  if (r.kind === 'Mesh') return `${mesh}/mesh.${ext}`;
  const parent = r.virtualRouter ?? r.virtualGateway;
  return [mesh, FOLDER[r.kind], ...(parent ? [fileName(parent)] : []), `${fileName(r.name)}.${ext}`].join(
    '/',
  );
}

/** Where a resource came from, for the comment (or tag) its file carries. */
export function originOf(r: SpecResource): string {
  const at = `${r.position.file}:${r.position.line}`;
  return r.origin ? `${r.origin}, ${at}` : at;
}
