export { createImportReader, createImportReaders, type ImportOptions } from './reader.ts';
export { type HclParser, loadHclParser } from './terraform/hcl-grammar.ts';
export { type OutputFile, type OutputFormat, ORIGIN_TAG, type WriteProblem, type WriteResult, writeResources } from './write/index.ts';
