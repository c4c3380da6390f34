export { createImportReader, createImportReaders, type ImportOptions, type ImportReader } from './reader.ts';
export { type HclParser, loadHclParser } from './terraform/hcl-grammar.ts';
export {
  ORIGIN_TAG,
  type OutputFile,
  type OutputFormat,
  type WriteProblem,
  type WriteResult,
  writeResources,
} from './write/index.ts';
