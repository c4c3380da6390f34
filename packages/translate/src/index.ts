export { createProxyTranslator, type ProxyTranslator } from './cached-translator.ts';
export { UnsupportedFeatureError } from './errors.ts';
export { names } from './names.ts';
export { isApiListener, withoutApiListeners } from './proxyless/api-listeners.ts';
export { translateProxy } from './translate-proxy.ts';
export {
  type EndpointLookup,
  type EnvoyConfig,
  type Json,
  resolveOptions,
  type TranslateOptions,
  TYPE,
} from './types.ts';
