import type { Diagnostic, SkippedDocument, SourceFile, SpecResource } from '../model/resource.ts';

/**
 * A reader for an input format the spec package does not parse itself (CloudFormation, Terraform, CDK
 * output: see @plexus/import). Readers are pure like the rest of the spec stage: files in, resources out.
 * The loader offers every file to each reader in turn before its own formats; a file a reader claims is
 * read by that reader only.
 */
export interface FormatReader {
  /** Short name for messages, e.g. `cloudformation`. */
  readonly name: string;
  /**
   * The files of one load this reader takes: its sources and the files that go with them (parameters,
   * variables, values). Cheap: decided on paths and a look at the text. Returns a subset of `files`.
   */
  claim(files: readonly SourceFile[]): SourceFile[];
  /** Reads the claimed files together (references cross files: stacks, modules, manifests). */
  read(files: readonly SourceFile[]): FormatReadResult;
}

export interface FormatReadResult {
  resources: SpecResource[];
  diagnostics: Diagnostic[];
  /** Documents that are not App Mesh resources (other resource types, parameter files), with why. */
  skipped: SkippedDocument[];
}
