export { type Attribution, attributeErrors, dependentsMessage } from './attribute.ts';
export { checkOwnership } from './check-ownership.ts';
export { compositeRevisionId } from './composite-id.ts';
export { globMatches } from './glob.ts';
export type { MemberRule, MeshRule, OwnershipRules, ResourceRule, SourceIdentity } from './rules.ts';
export { markSources, prefixFiles, SOURCE_NAME, sourceOfPath } from './source-files.ts';
