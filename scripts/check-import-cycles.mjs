// Fails on any import cycle among the source files under the given directories, because a cycle
// makes module load order (and so what is `undefined` at import time) depend on which file is
// imported first, and it keeps the layers from being split apart.
//   node scripts/check-import-cycles.mjs [dir ...]      (default: projects mock-server)
// Exit 0: prints 'no import cycles in N files'. Exit 1: prints each cycle as a chain of paths
// relative to the working directory. Exit 2: a directory does not exist.
//
// Every relative import is an edge, type-only ones included: `import type` is erased at runtime,
// but it still ties the two files together, and a cycle closed only by a type import turns into
// a runtime one as soon as someone imports a value along it. Package imports are not edges.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// From the repo's own node_modules, so the check needs no install of its own.
const ts = createRequire(join(root, 'package.json'))('typescript');

const SKIP_DIRS = new Set(['node_modules', 'dist', '.angular']);
const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
// The order TypeScript tries them in, then the plain JavaScript ones.
const EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
// TypeScript's ESM style names the emitted file: './x.js' in source means './x.ts'.
const EMITTED_FROM = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) sourceFiles(path, out);
    } else if (entry.isFile() && SOURCE.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/**
 * Every module specifier in the file. A full parse rather than ts.preProcessFile, which misses
 * `export * as ns from './x'` (TypeScript 5.9); the parse also leaves comments and strings alone.
 */
function specifiers(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found = [];
  const literal = (node) => node && ts.isStringLiteralLike(node) && found.push(node.text);
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) literal(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal); // typeof import('./x')
    else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) literal(node.name); // declare module './x' augments it
    else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) literal(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The scanned file a relative specifier names, or undefined (a package, an asset, a file outside the scan). */
function resolveImport(from, specifier, files) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const index = EXTENSIONS.map((ext) => join(base, 'index' + ext));
  // '.', '..' and 'x/' can only mean a directory, never a sibling file named after it.
  if (/(^|\/)\.\.?$|\/$/.test(specifier)) return index.find((path) => files.has(path));
  const ext = extname(base);
  const emitted = (EMITTED_FROM[ext] ?? []).map((tsExt) => base.slice(0, -ext.length) + tsExt);
  return [base, ...EXTENSIONS.map((e) => base + e), ...emitted, ...index].find((path) => files.has(path));
}

/** Tarjan's algorithm: the strongly connected components, each a set of files that reach one another. */
function stronglyConnected(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const connect = (node) => {
    index.set(node, index.size);
    low.set(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return components;
}

/** Shortest path from `start` to `goal` that stays inside `members`. */
function shortestPath(graph, members, start, goal) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const node = queue.shift();
    if (node === goal) break;
    for (const next of graph.get(node)) {
      if (members.has(next) && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  const path = [];
  for (let node = goal; node !== null; node = previous.get(node)) path.unshift(node);
  return path;
}

/**
 * One component can hold many cycles; list short ones until every import inside the component is
 * on one of them, so whoever breaks the cycle sees each import that takes part.
 */
function cyclesOf(graph, component) {
  const members = new Set(component);
  const covered = new Set();
  const cycles = [];
  for (const from of component) {
    for (const to of graph.get(from)) {
      if (!members.has(to) || covered.has(`${from}\0${to}`)) continue;
      const cycle = from === to ? [from, to] : [from, ...shortestPath(graph, members, to, from)];
      for (let i = 1; i < cycle.length; i++) covered.add(`${cycle[i - 1]}\0${cycle[i]}`);
      cycles.push(cycle);
    }
  }
  return cycles;
}

function main(args) {
  const dirs = args.length ? args.map((dir) => resolve(dir)) : ['projects', 'mock-server'].map((dir) => join(root, dir));
  for (const dir of dirs) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      console.error(`check-import-cycles: no directory ${dir}`);
      return 2;
    }
  }
  const files = new Set(dirs.flatMap((dir) => sourceFiles(dir)).sort());
  const graph = new Map();
  for (const file of files) {
    const targets = specifiers(file).map((specifier) => resolveImport(file, specifier, files)).filter(Boolean);
    graph.set(file, [...new Set(targets)].sort());
  }

  const tangled = stronglyConnected(graph).filter(([first, ...rest]) => rest.length > 0 || graph.get(first).includes(first));
  if (tangled.length === 0) {
    console.log(`no import cycles in ${files.size} files`);
    return 0;
  }
  const show = (file) => relative(process.cwd(), file);
  console.log(`${tangled.length} import cycle(s) in ${files.size} files (type-only imports count):`);
  tangled.sort((a, b) => a[0].localeCompare(b[0]));
  tangled.forEach((component, i) => {
    console.log(`\n[${i + 1}] ${component.length} file(s): ${component.map(show).join(', ')}`);
    for (const cycle of cyclesOf(graph, component)) console.log(`  ${cycle.map(show).join(' -> ')}`);
  });
  return 1;
}

process.exitCode = main(process.argv.slice(2));
