export { createImportReader, createImportReaders, type ImportOptions } from './reader.ts';
export { type HclParser, loadHclParser } from './terraform/hcl-grammar.ts';
