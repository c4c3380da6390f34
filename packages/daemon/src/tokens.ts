/** Composition-root tokens: one Symbol per service the daemon wires (no decorators, explicit factories). */
export const TOKENS = {
  Options: Symbol.for('plexus.daemon.Options'),
  Logger: Symbol.for('plexus.daemon.Logger'),
  Metrics: Symbol.for('plexus.daemon.Metrics'),
  Channels: Symbol.for('plexus.daemon.Channels'),
  Stages: Symbol.for('plexus.daemon.Stages'),
  Source: Symbol.for('plexus.daemon.Source'),
  /** Multi-source daemons: every configured source and its revisions (a SourceSet). */
  Sources: Symbol.for('plexus.daemon.Sources'),
  Xds: Symbol.for('plexus.daemon.Xds'),
  XdsSecurity: Symbol.for('plexus.daemon.XdsSecurity'),
  Discovery: Symbol.for('plexus.daemon.Discovery'),
  ProxyRevisions: Symbol.for('plexus.daemon.ProxyRevisions'),
  Status: Symbol.for('plexus.daemon.Status'),
  /** The mesh CA's issuer (null when the `ca` section is absent). */
  MeshCa: Symbol.for('plexus.daemon.MeshCa'),
  /** Runners in pipeline order: source, spec, graph, discovery, translate, xds. */
  Runners: Symbol.for('plexus.daemon.Runners'),
} as const;
