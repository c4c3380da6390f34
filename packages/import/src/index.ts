export { createImportReader, createImportReaders, type ImportOptions } from './reader.ts';
export { type HclParser, loadHclParser } from './terraform/hcl-grammar.ts';
export {
  ORIGIN_TAG,
  type OutputFile,
  type OutputFormat,
  type WriteProblem,
  type WriteResult,
  writeResources,
} from './write/index.ts';
