// One import per section: each file registers its schema.
import './xds.ts';
import './identity.ts';
import './admin.ts';
import './api.ts';
import './sources.ts';
import './ownership.ts';
import './ca.ts';

export type { AdminSection } from './admin.ts';
export type { ApiSection } from './api.ts';
export type { CaSection } from './ca.ts';
export type { IdentitySection } from './identity.ts';
export type { OwnershipSection } from './ownership.ts';
export type { SourcesSection } from './sources.ts';
export type { XdsSection } from './xds.ts';
