import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');

export interface Asset {
  body: Buffer;
  type: string;
}

let bundle: Promise<Asset> | undefined;

/**
 * The browser app, bundled by esbuild from web/app.ts on first request (no build step, no build output in the
 * repo, nothing fetched: cytoscape comes from node_modules). Kept in memory after that.
 */
export function appBundle(): Promise<Asset> {
  bundle ??= (async () => {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      entryPoints: [join(webDir, 'app.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    return { body: Buffer.from(out.outputFiles[0]!.contents), type: 'text/javascript; charset=utf-8' };
  })();
  bundle.catch(() => {
    bundle = undefined;
  });
  return bundle;
}

const statics = new Map<string, Asset>();

/** index.html and app.css, read once. */
export function staticAsset(name: 'index.html' | 'app.css'): Asset {
  let a = statics.get(name);
  if (!a) {
    a = {
      body: readFileSync(join(webDir, name)),
      type: name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/html; charset=utf-8',
    };
    statics.set(name, a);
  }
  return a;
}
