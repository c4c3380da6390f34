export interface DiscoveryPluginGeneratorSchema {
  name: string;
  key?: string;
  directory?: string;
}
