import type { AccessLogging } from '@plexus/graph';
import { type Json, TYPE } from './types.ts';

/** App Mesh file access log (text or JSON format) → Envoy file access logger. */
export function accessLog(logging: AccessLogging | undefined): Json[] | undefined {
  const file = logging?.accessLog?.file;
  if (!file) return undefined;
  const cfg: Json = { '@type': TYPE.fileAccessLog, path: file.path };
  const f = file.format;
  if (f?.text !== undefined) {
    const text = f.text.endsWith('\n') ? f.text : `${f.text}\n`;
    cfg.log_format = { text_format_source: { inline_string: text } };
  } else if (f?.json) {
    cfg.log_format = { json_format: Object.fromEntries(f.json.map((kv) => [kv.key, kv.value])) };
  }
  return [{ name: 'envoy.access_loggers.file', typed_config: cfg }];
}
