import { formatFieldPath, type SourcePosition, type SpecResource } from '@plexus/spec';

/** A spec feature Plexus cannot translate honestly; the proxy's config is refused and the last good one kept. */
export class UnsupportedFeatureError extends Error {
  readonly resource: string;
  readonly path: string;
  readonly position?: SourcePosition;
  constructor(resource: SpecResource, path: ReadonlyArray<string | number>, reason: string) {
    const pos = safePosition(resource, path);
    const dotted = formatFieldPath(path);
    const where = pos ? `${pos.file}:${pos.line}:${pos.col}: ` : '';
    super(`${where}${resource.kind} ${resource.mesh}/${resource.name}: ${dotted}: ${reason}`);
    this.name = 'UnsupportedFeatureError';
    this.resource = `${resource.kind}/${resource.mesh}/${resource.name}`;
    this.path = dotted;
    this.position = pos;
  }
}

function safePosition(r: SpecResource, path: ReadonlyArray<string | number>): SourcePosition | undefined {
  try {
    return typeof r.positionOf === 'function' ? r.positionOf(path) : r.position;
  } catch {
    return r.position;
  }
}
