import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { checkSchema, type Kind, SPEC_SCHEMAS } from '../../src/index.ts';

/** Real App Mesh CLI input files from aws-app-mesh-examples (PLEXUS_CORPUS_DIR). */
const CORPUS = corpusDir;

const KIND_BY_NAME_KEY: Array<[string, Kind]> = [
  ['gatewayRouteName', 'GatewayRoute'],
  ['routeName', 'Route'],
  ['virtualGatewayName', 'VirtualGateway'],
  ['virtualRouterName', 'VirtualRouter'],
  ['virtualServiceName', 'VirtualService'],
  ['virtualNodeName', 'VirtualNode'],
];

describe('the schema accepts the real App Mesh examples', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json'));
  const inputs = files.flatMap((f) => {
    try {
      const doc = JSON.parse(readFileSync(join(CORPUS, f), 'utf8')) as Record<string, unknown>;
      return doc && typeof doc === 'object' && 'spec' in doc ? [{ file: f, doc }] : [];
    } catch {
      return [];
    }
  });

  it('has CLI inputs to check', () => {
    expect(inputs.length).toBeGreaterThan(50);
  });

  it('every CLI input spec is valid for its kind (or, spec-only, for some kind)', () => {
    const failures: string[] = [];
    for (const { file, doc } of inputs) {
      const kind = KIND_BY_NAME_KEY.find(([key]) => key in doc)?.[1];
      const kinds = kind ? [kind] : (Object.keys(SPEC_SCHEMAS) as Kind[]);
      const results = kinds.map((k) => checkSchema(SPEC_SCHEMAS[k], doc.spec));
      if (!results.some((issues) => issues.length === 0)) {
        failures.push(`${file}: ${JSON.stringify(results[0])}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
