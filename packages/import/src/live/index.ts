export { type LiveOptions, type LiveResult, readLiveAppMesh } from './appmesh.ts';
