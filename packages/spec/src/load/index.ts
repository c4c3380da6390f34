export { defaultAwsName } from './crd/cluster.ts';
export { parseAppMeshArn } from './crd/convert.ts';
export { UNRESOLVED_NAME } from './crd/read.ts';
export { type Labels, labelsOf, selectorMatches } from './crd/selector.ts';
export type { FormatReader, FormatReadResult } from './format-reader.ts';
export { type LoadAndValidateResult, loadAndValidate, validateLoaded } from './load-and-validate.ts';
export { type FileLoad, type LoadOptions, loadFile, loadFiles } from './load-files.ts';
export { createSpecLoader, type SpecLoader } from './spec-loader.ts';
