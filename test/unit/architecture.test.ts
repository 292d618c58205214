import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN.md: imports point down only, cli -> orchestrator -> ports -> pure -> domain; only
 * cli/ builds real implementations (the composition root) and touches `process`. This test
 * parses every import under src/ and keeps it so.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

const LAYER: Readonly<Record<string, number>> = {
  cli: 4,
  orchestrator: 3,
  routing: 2,
  state: 2,
  kube: 2,
  helm: 2,
  load: 2,
  metrics: 2,
  config: 1,
  plan: 1,
  mesh: 1,
  slo: 1,
  report: 1,
  'gateway-api': 1,
  domain: 0,
};
const PORT = 2;
const PURE = 1;
/** Packages a pure module or the domain may use: no I/O. */
const PURE_PACKAGES = new Set(['yaml']);
/** Packages that talk to the outside world: only cli/ and the port implementations use them. */
const IO_PACKAGES = /^(execa|autocannon|@kubernetes\/client-node|node:(fs|fs\/promises|child_process|net|http|https|dns|readline.*))$/;


interface SourceFile {
  readonly path: string;
  readonly folder: string;
  readonly imports: readonly string[];
  readonly usesProcess: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

function parse(path: string): SourceFile {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const imports: string[] = [];
  let usesProcess = false;
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) imports.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) imports.push(node.arguments[0].text);
    if (ts.isIdentifier(node) && node.text === 'process' && !isPropertyName(node)) usesProcess = true;
    ts.forEachChild(node, visit);
  };
  visit(source);
  const rel = relative(ROOT, path);
  return { path: rel, folder: rel.split('/')[1] ?? '', imports, usesProcess };
}

/** `x.process` and `{ process: 1 }` name a property, not the global (`globalThis.process` does). */
function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return !(ts.isIdentifier(parent.expression) && parent.expression.text === 'globalThis');
  return (ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === node;
}

/** A relative import as a path from the repository root, `.js` read as the `.ts` it compiles from. */
function target(file: SourceFile, spec: string): string {
  return relative(ROOT, resolve(ROOT, dirname(file.path), spec)).replace(/\.js$/, '.ts');
}

const files = sourceFiles(SRC).map(parse);
const edges = files.flatMap((f) => f.imports.filter((s) => s.startsWith('.')).map((s) => ({ from: f, to: target(f, s) })));

function layerViolation(from: SourceFile, to: string): string | undefined {
  const folder = to.split('/')[1] ?? '';
  if (folder === from.folder) return undefined;
  const a = LAYER[from.folder] as number;
  const b = LAYER[folder];
  if (b === undefined) return 'imports a folder with no layer';
  if (b > a) return `points up (${from.folder} is layer ${a}, ${folder} is layer ${b})`;
  if (b === a && a !== PURE) return to.endsWith('/ports.ts') && a === PORT ? undefined : `crosses into another ${a === PORT ? 'port' : 'layer-' + a} folder's implementation (only its ports.ts may be used)`;
  if (from.folder === 'orchestrator' && b === PORT && !to.endsWith('/ports.ts')) return 'uses a port implementation: only cli/ builds those (the orchestrator takes ports.ts interfaces)';
  return undefined;
}

describe('architecture', () => {
  it('finds the source files and knows the layer of every folder', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => LAYER[f.folder] === undefined).map((f) => f.path)).toEqual([]);
  });

  it('imports only point down: cli -> orchestrator -> ports -> pure -> domain', () => {
    const found = edges.flatMap(({ from, to }) => {
      const why = layerViolation(from, to);
      return why ? [`${from.path} -> ${to}`] : [];
    });
    expect(found, `layer violations:\n${found.map((v) => `${v}: ${layerViolation(files.find((f) => f.path === v.split(' -> ')[0]) as SourceFile, v.split(' -> ')[1] as string)}`).join('\n')}`).toEqual([]);
  });

  it('keeps every relative import inside src/ and never imports test code', () => {
    const outside = edges.filter(({ to }) => !to.startsWith('src/')).map(({ from, to }) => `${from.path} -> ${to}`);
    const testImports = files.flatMap((f) => f.imports.filter((s) => /(^|\/)test\//.test(s)).map((s) => `${f.path} -> ${s}`));
    expect([...outside, ...testImports]).toEqual([]);
  });

  it('lets only cli/ touch `process`', () => {
    expect(files.filter((f) => f.usesProcess && f.folder !== 'cli').map((f) => f.path)).toEqual([]);
  });

  it('keeps pure modules and the domain free of I/O packages', () => {
    const impure = files
      .filter((f) => (LAYER[f.folder] as number) <= PURE)
      .flatMap((f) => f.imports.filter((s) => !s.startsWith('.') && !PURE_PACKAGES.has(s)).map((s) => `${f.path} -> ${s}`));
    expect(impure).toEqual([]);
  });

  it('keeps I/O clients out of the orchestrator (it acts through ports)', () => {
    const io = files.filter((f) => f.folder === 'orchestrator').flatMap((f) => f.imports.filter((s) => IO_PACKAGES.test(s)).map((s) => `${f.path} -> ${s}`));
    expect(io).toEqual([]);
  });
});
