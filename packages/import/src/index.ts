export { createImportReader, type ImportOptions } from './reader.ts';
