/**
 * `ng add ngx-realtime`: provides the SDK at the root of an application and says what to do next.
 *
 * It adds `provideRealtime({ url })` where the app's root providers live (`app.config.ts` in an app
 * made by `ng new`; `main.ts` or the root NgModule otherwise, which `addRootProvider` also handles),
 * with the import. It connects nothing: a connection needs a token, and only the app knows when it
 * has one, so the log shows the two ways to give it (`connect()` after login, or `withAuth()`).
 *
 * Running it twice must change nothing: `addRootProvider` itself appends every time, so the rule
 * first looks for a `provideRealtime(` call in the main file and in the files it imports directly
 * (where the root providers are), and leaves the app alone when one is there.
 *
 * Runs in the user's workspace under their Angular CLI, so it uses only what `@angular/cli` brings
 * there (`@angular-devkit/schematics`, `@schematics/angular`) and is compiled to CommonJS, which is
 * what the CLI `require()`s (see `scripts/build-lib.sh`).
 */
import { type Rule, type SchematicContext, SchematicsException, type Tree, chain } from '@angular-devkit/schematics';
import { type ProjectDefinition, addRootProvider, readWorkspace } from '@schematics/angular/utility';
import { posix } from 'node:path';

/** The options of `schema.json`. */
export interface NgAddOptions {
  /** The application to change; default: the project of the current folder, else the first application. */
  project?: string;
  /** The event stream's URL as `provideRealtime` takes it. */
  url?: string;
}

/** Also the server's default, and what `schema.json` offers. */
const DEFAULT_URL = '/ws/events';

/** A call, not a mention: `provideRealtime` in an import list alone does not provide anything. */
const PROVIDE_CALL = /\bprovideRealtime\s*\(/;

export function ngAdd(options: NgAddOptions): Rule {
  return async (tree: Tree, context: SchematicContext) => {
    const workspace = await readWorkspace(tree);
    const projectName = chooseApplication(workspace.projects, options.project, context);
    const mainFile = mainFileOf(workspace.projects.get(projectName)!);
    if (!tree.exists(mainFile)) {
      throw new SchematicsException(`ngx-realtime: the main file ${mainFile} of project "${projectName}" does not exist.`);
    }
    const url = options.url?.trim() || DEFAULT_URL;

    const existing = fileCallingProvide(tree, mainFile);
    if (existing) {
      context.logger.info(`ngx-realtime: ${existing} already calls provideRealtime(); nothing changed.`);
      logNextStep(context, existing);
      return;
    }
    return chain([
      addRootProvider(projectName, ({ code, external }) => code`${external('provideRealtime', 'ngx-realtime')}({ url: ${quote(url)} })`),
      (after: Tree) => {
        const file = fileCallingProvide(after, mainFile) ?? mainFile;
        context.logger.info(`ngx-realtime: added provideRealtime({ url: ${quote(url)} }) to ${file}.`);
        logNextStep(context, file, url);
      },
    ]);
  };
}

/**
 * The project to change: the one asked for (it must be an application), else the only or first
 * application, saying so when there are several.
 */
function chooseApplication(projects: ReadonlyMap<string, ProjectDefinition>, requested: string | undefined, context: SchematicContext): string {
  const isApplication = (project: ProjectDefinition) => project.extensions['projectType'] === 'application';
  if (requested) {
    const project = projects.get(requested);
    if (!project) throw new SchematicsException(`ngx-realtime: there is no project "${requested}" in angular.json.`);
    if (!isApplication(project)) {
      throw new SchematicsException(`ngx-realtime: "${requested}" is a library; pass an application with --project.`);
    }
    return requested;
  }
  const applications = [...projects].filter(([, project]) => isApplication(project)).map(([name]) => name);
  if (applications.length === 0) throw new SchematicsException('ngx-realtime: angular.json has no application to add provideRealtime() to.');
  if (applications.length > 1) {
    context.logger.info(`ngx-realtime: several applications (${applications.join(', ')}); using "${applications[0]}" (choose with --project).`);
  }
  return applications[0];
}

/** Where the app boots, the way `addRootProvider` finds it: `browser` (application builder), else `main`, else `<sourceRoot>/main.ts`. */
function mainFileOf(project: ProjectDefinition): string {
  const options = project.targets.get('build')?.options ?? {};
  const configured = options['browser'] ?? options['main'];
  if (typeof configured === 'string') return normalize(configured);
  return posix.join(project.sourceRoot ?? posix.join(project.root, 'src'), 'main.ts');
}

/**
 * The file among the main file and those it imports by a relative path (`./app/app.config`, the
 * root component or module) whose code calls `provideRealtime(`, or null. Those are where root
 * providers live; a call in a component's or a spec's own providers elsewhere does not count.
 */
function fileCallingProvide(tree: Tree, mainFile: string): string | null {
  const mainText = tree.readText(mainFile);
  const candidates = [mainFile, ...relativeImports(mainText).map((specifier) => resolveTs(tree, posix.dirname(mainFile), specifier))];
  for (const file of candidates) {
    if (file && PROVIDE_CALL.test(withoutComments(tree.readText(file)))) return file;
  }
  return null;
}

function relativeImports(text: string): string[] {
  const found: string[] = [];
  for (const match of withoutComments(text).matchAll(/\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g)) found.push(match[1]);
  return found;
}

/** `./app/app.config` -> `src/app/app.config.ts` (or `.../index.ts`), if the tree has it. */
function resolveTs(tree: Tree, dir: string, specifier: string): string | null {
  const base = posix.join(dir, specifier);
  for (const file of [base, `${base}.ts`, posix.join(base, 'index.ts'), base.replace(/\.js$/, '.ts')]) {
    if (file.endsWith('.ts') && tree.exists(file)) return file;
  }
  return null;
}

/** Good enough to ignore a commented-out call; `://` in a URL string is not a comment. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

/** A single-quoted TypeScript string, as Angular's own code is written. */
function quote(value: string): string {
  return `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

function normalize(path: string): string {
  return posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\//, '');
}

/**
 * The step `ng add` cannot take for the app: giving the SDK a token. Both ways, in 3 lines each;
 * the README has the rest. `url` is the one just written (unknown when the call was already there).
 */
function logNextStep(context: SchematicContext, configFile: string, url?: string): void {
  context.logger.info(
    [
      '',
      'Next: connect once the user has a token. Either call connect() after login:',
      "    const realtime = inject(WebSocketService);   // import { WebSocketService } from 'ngx-realtime'",
      '    realtime.connect(token);                     // or () => a Promise/Observable of a fresh token',
      '    realtime.onKeyChanges().subscribe((change) => console.log(change.key, change.value));',
      `or let the SDK follow your auth state, in ${configFile}:`,
      `    provideRealtime({ url: ${url ? quote(url) : '...'} }, withAuth(() => inject(AuthService).token$)),`,
      "    // a token connects, null disconnects (logout); import { withAuth } from 'ngx-realtime'",
      'More: node_modules/ngx-realtime/README.md',
    ].join('\n'),
  );
}
