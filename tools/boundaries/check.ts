/**
 * The package boundary check (`npm run lint`): reads every TypeScript file of packages/, plugins/ and
 * examples/ with the TypeScript parser, and reports each import that breaks rules.ts as `file:line:col: why`.
 * Exits 1 when there is any.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import {
  NEW_PACKAGE,
  PACKAGES,
  PLUGIN,
  PURE_BUILTINS,
  PURE_EXPORTS,
  PURE_PACKAGES,
  type Rule,
} from './rules.ts';

export interface Violation {
  file: string;
  line: number;
  col: number;
  message: string;
}

interface Unit {
  /** Directory relative to the root, e.g. `packages/spec`. */
  dir: string;
  /** Short name: `spec`, `discovery-ecs`, `plugin-hello`. */
  name: string;
  rule: Rule;
}

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
  /** Named bindings of a value import (empty for default, namespace, side-effect and dynamic imports). */
  names: string[];
  pos: number;
}

const BUILTINS = new Set(builtinModules);

function units(root: string): Unit[] {
  const out: Unit[] = [];
  const dirs = (d: string) =>
    existsSync(join(root, d))
      ? readdirSync(join(root, d), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
      : [];
  for (const name of dirs('packages'))
    out.push({ dir: `packages/${name}`, name, rule: PACKAGES[name] ?? NEW_PACKAGE });
  for (const name of dirs('plugins')) out.push({ dir: `plugins/${name}`, name, rule: PLUGIN });
  for (const name of dirs('examples')) {
    out.push({ dir: `examples/${name}`, name, rule: name.startsWith('plugin-') ? PLUGIN : { imports: '*' } });
  }
  return out;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !f.split(sep).includes('node_modules'));
}

/** Every import, export-from, dynamic import() and `import('x')` type of a file. */
export function importsOf(source: string, fileName = 'file.ts'): ImportRef[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const out: ImportRef[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named =
        clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings : undefined;
      const valueNames = named?.elements
        .filter((e) => !e.isTypeOnly)
        .map((e) => (e.propertyName ?? e.name).text);
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly || (!clause.name && !!named && named.elements.every((e) => e.isTypeOnly)));
      const onlyNamed = !!clause && !clause.name && !!named;
      out.push({
        specifier: node.moduleSpecifier.text,
        typeOnly,
        names: onlyNamed ? (valueNames ?? []) : [],
        pos: node.moduleSpecifier.getStart(sf),
      });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: node.isTypeOnly,
        names: [],
        pos: node.moduleSpecifier.getStart(sf),
      });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push({
        specifier: node.arguments[0].text,
        typeOnly: false,
        names: [],
        pos: node.arguments[0].getStart(sf),
      });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      out.push({
        specifier: node.argument.literal.text,
        typeOnly: true,
        names: [],
        pos: node.argument.literal.getStart(sf),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** `@plexus/x/sub` → `x`; undefined for anything else. */
function plexusName(specifier: string): string | undefined {
  return /^@plexus\/([^/]+)/.exec(specifier)?.[1];
}

function isPure(name: string): boolean {
  return PACKAGES[name]?.pure === true;
}

/** Why `ref` may not appear in src/ of `unit`, or undefined. */
function srcProblem(unit: Unit, ref: ImportRef, knownUnits: Map<string, Unit>): string | undefined {
  const { specifier } = ref;
  if (specifier.startsWith('.')) return undefined;
  const target = plexusName(specifier);
  if (target !== undefined) {
    if (target === unit.name) return undefined;
    const { imports } = unit.rule;
    const kind = knownUnits.get(target)?.rule === PLUGIN ? 'a plugin' : `@plexus/${target}`;
    if (imports !== '*' && !imports.includes(target)) {
      const who =
        unit.rule === PLUGIN
          ? 'a plugin imports only @plexus/plugin-api and @plexus/spec'
          : `@plexus/${unit.name} may import ${imports.length ? imports.map((i) => `@plexus/${i}`).join(', ') : 'no @plexus package'}`;
      return `imports ${kind}: ${who}; only daemon and cli wire packages together`;
    }
    if (unit.rule.pure && !ref.typeOnly && !isPure(target)) {
      return `imports @plexus/${target} at run time: @plexus/${unit.name} does no I/O, so only types may come from a package that does (use \`import type\`)`;
    }
    return undefined;
  }
  if (!unit.rule.pure) return undefined;
  const bare = specifier.replace(/^node:/, '');
  const builtin = specifier.startsWith('node:') || BUILTINS.has(bare.split('/')[0]!);
  if (builtin) {
    const base = bare.split('/')[0]!;
    if (PURE_BUILTINS.includes(base) && !bare.includes('/')) return undefined;
    const pureNames = PURE_EXPORTS[base];
    if (pureNames && !ref.typeOnly && ref.names.length > 0 && ref.names.every((n) => pureNames.includes(n)))
      return undefined;
    if (ref.typeOnly) return undefined;
    return `imports ${specifier}: @plexus/${unit.name} does no I/O (spec, graph and translate are pure)`;
  }
  const pkg = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0]!;
  if (PURE_PACKAGES.includes(pkg) || ref.typeOnly) return undefined;
  return `imports ${pkg}: @plexus/${unit.name} does no I/O and may use only ${PURE_PACKAGES.join(', ')} from npm`;
}

function lineCol(source: string, pos: number): { line: number; col: number } {
  const before = source.slice(0, pos).split('\n');
  return { line: before.length, col: before.at(-1)!.length + 1 };
}

/** Checks the tree at `root`; returns every violation, sorted by file and line. */
export function checkBoundaries(root: string): Violation[] {
  const all = units(root);
  const byName = new Map(all.map((u) => [u.name, u]));
  const out: Violation[] = [];
  for (const unit of all) {
    const unitDir = resolve(root, unit.dir);
    for (const file of tsFiles(unitDir)) {
      const rel = relative(root, file);
      const inSrc = relative(unitDir, file).split(sep)[0] === 'src';
      const source = readFileSync(file, 'utf8');
      for (const ref of importsOf(source, file)) {
        let problem: string | undefined;
        if (ref.specifier.startsWith('.')) {
          const target = resolve(dirname(file), ref.specifier);
          if (relative(unitDir, target).startsWith('..')) {
            problem = `reaches ${relative(root, target)} by relative path, outside ${unit.dir}: import the package by name (or move the shared helper to @plexus/testkit)`;
          }
        } else if (inSrc) {
          problem = srcProblem(unit, ref, byName);
        }
        if (problem) out.push({ file: rel, ...lineCol(source, ref.pos), message: problem });
      }
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

if (import.meta.filename === process.argv[1]) {
  const root = resolve(process.argv[2] ?? join(import.meta.dirname, '../..'));
  const found = checkBoundaries(root);
  for (const v of found) console.error(`${v.file}:${v.line}:${v.col}: ${v.message}`);
  if (found.length > 0) {
    console.error(
      `package boundaries: ${found.length} violation(s); the rules are in tools/boundaries/rules.ts`,
    );
    process.exit(1);
  }
  console.log('package boundaries: ok');
}
